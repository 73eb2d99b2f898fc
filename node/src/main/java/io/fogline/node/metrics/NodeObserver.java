package io.fogline.node.metrics;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.routing.RoutingObserver;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.stats.InferenceObserver;
import java.util.List;

/**
 * Hears everything the node does with a request: what the runtime and the router tell, and how the HTTP API
 * finished it. Metrics and telemetry both listen here, so there is one path for what the node counts.
 */
public interface NodeObserver extends InferenceObserver, RoutingObserver {

    /**
     * @param requestBytes the size of the request's body as the client sent it
     * @param requestNanos from the request's arrival to its answer
     */
    void requestSucceeded(InferenceRequest request, long requestBytes, InferenceResponse response, long requestNanos);

    /**
     * @param model the model the request named, or an empty string when it named none the node knows, so that
     *     clients cannot grow a label set without bound
     * @param version the version the request named, or null
     * @param reason what went wrong, from a small fixed set
     */
    void requestFailed(String model, String version, String reason);

    /** Every one of {@code observers}, told in order. */
    static NodeObserver all(List<NodeObserver> observers) {
        List<NodeObserver> copy = List.copyOf(observers);
        return copy.size() == 1
                ? copy.getFirst()
                : new NodeObserver() {
                    @Override
                    public void requestSucceeded(
                            InferenceRequest request,
                            long requestBytes,
                            InferenceResponse response,
                            long requestNanos) {
                        copy.forEach(
                                observer -> observer.requestSucceeded(request, requestBytes, response, requestNanos));
                    }

                    @Override
                    public void requestFailed(String model, String version, String reason) {
                        copy.forEach(observer -> observer.requestFailed(model, version, reason));
                    }

                    @Override
                    public void requestCompleted(
                            String model, String version, long queueNanos, OnnxModel.Timing timing) {
                        copy.forEach(observer -> observer.requestCompleted(model, version, queueNanos, timing));
                    }

                    @Override
                    public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {
                        copy.forEach(observer -> observer.batchExecuted(model, version, batchSize, timing));
                    }

                    @Override
                    public void modelLoaded(String model, String version, long loadNanos) {
                        copy.forEach(observer -> observer.modelLoaded(model, version, loadNanos));
                    }

                    @Override
                    public void answered(String model, String tier, String escalation, String cache, boolean degraded) {
                        copy.forEach(observer -> observer.answered(model, tier, escalation, cache, degraded));
                    }

                    @Override
                    public void breakerChanged(String parent, CircuitBreaker.State state) {
                        copy.forEach(observer -> observer.breakerChanged(parent, state));
                    }

                    @Override
                    public void thresholdApplied(String model, double maxProbabilityBelow) {
                        copy.forEach(observer -> observer.thresholdApplied(model, maxProbabilityBelow));
                    }
                };
    }
}
