package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.ManifestFile;
import io.fogline.core.device.FederatedTask;
import io.fogline.core.federated.ModelUpdate;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.federated.ErrorFeedback;
import io.fogline.learn.federated.FederatedClient;
import io.fogline.learn.federated.GlobalModel;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's part of federated rounds: for a round its poll brought, it fetches the global model by digest (resumable,
 * as bundle files are), trains it on the node's own examples ({@link LocalExamples}, read afresh each round) on one low-priority background thread (its kernels
 * confined to that thread, so inference keeps the other cores), and uploads the change. Examples never leave. A round
 * is trained once per run, on the {@link TrainingThread}; a node restarted mid-training finds the round in its next poll and trains again while the
 * deadline is ahead, or is left out by it.
 */
final class FederatedTrainer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FederatedTrainer.class.getName());

    private final LocalExamples examples;
    private final ControlClient control;
    private final BlobStore blobs;
    private final Clock clock;
    private final ExecutorService worker = TrainingThread.start();
    /** The round taken last ({@code job/round}), so a poll that brings it again starts nothing. */
    private final AtomicReference<String> taken = new AtomicReference<>();

    private ErrorFeedback residual;
    private String residualJob;

    FederatedTrainer(LocalExamples examples, ControlClient control, BlobStore blobs, Clock clock) {
        this.examples = examples;
        this.control = control;
        this.blobs = blobs;
        this.clock = clock;
    }

    long exampleCount() {
        return examples.count();
    }

    /** Starts training for {@code task} in the background, unless it is the round taken last or past its deadline. */
    void offer(FederatedTask task, UpdateStore.Credential credential) {
        String round = task.job() + "/" + task.round();
        if (clock.millis() >= task.deadline() || round.equals(taken.getAndSet(round))) {
            return;
        }
        worker.execute(() -> {
            try {
                if (!train(task, credential)) {
                    taken.compareAndSet(round, null);
                }
            } catch (IOException | BundleException | RuntimeException e) {
                // The round stays in the desired state until its deadline; the next poll brings it back.
                taken.compareAndSet(round, null);
                LOG.log(System.Logger.Level.WARNING, "federated round " + round + " failed: " + e.getMessage(), e);
            }
        });
    }

    /** Trains and sends; false when the node has no example for the round's model yet, so a later poll tries again. */
    private boolean train(FederatedTask task, UpdateStore.Credential credential) throws IOException, BundleException {
        ManifestFile weights =
                new ManifestFile("federated/" + task.job() + ".onnx", task.weights(), task.weightsSize());
        if (!blobs.has(weights)) {
            control.download(credential, weights, blobs.part(task.weights()));
            blobs.complete(weights);
        }
        OnnxImporter.Imported global = GlobalModel.read(Files.readAllBytes(blobs.blob(task.weights())));
        Dataset local = examples.forRound(task.model(), global.network());
        if (local.size() == 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "federated round {0}/{1}: no examples for model {2} yet",
                    task.job(),
                    task.round(),
                    task.model());
            return false;
        }
        RoundConfig config = new RoundConfig(
                task.localEpochs(),
                task.batchSize(),
                TrainingConfig.OptimizerKind.SGD,
                task.learningRate(),
                0.9,
                task.proximalMu(),
                task.clipNorm());
        long started = clock.millis();
        ModelUpdate update = TrainingThread.confined(() -> new FederatedClient(global.network(), epoch -> {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "federated round {0}/{1}: local epoch {2}/{3}, loss {4}",
                            task.job(),
                            task.round(),
                            epoch.epoch(),
                            epoch.epochs(),
                            String.format(java.util.Locale.ROOT, "%.4f", epoch.trainLoss()));
                    CrashPoint.at("training");
                })
                .train(
                        task.job(),
                        task.round(),
                        global.network().parameterVector(),
                        local,
                        config,
                        ((long) task.job().hashCode() << 32) ^ task.round()));
        byte[] body = encode(task, update);
        if (clock.millis() >= task.deadline()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "federated round {0}/{1}: trained past the deadline, not sent",
                    task.job(),
                    task.round());
            return true;
        }
        try {
            control.federatedUpdate(credential, body);
            LOG.log(
                    System.Logger.Level.INFO,
                    "federated round {0}/{1}: sent an update of {2} bytes ({3} examples, {4} ms of training)",
                    task.job(),
                    task.round(),
                    body.length,
                    local.size(),
                    clock.millis() - started);
        } catch (ControlClient.ControlException e) {
            if (e.status != 400) {
                throw e;
            }
            // Refused for good (closed round, duplicate, ...): sending it again would be refused again.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "federated round {0}/{1}: update refused: {2}",
                    task.job(),
                    task.round(),
                    e.getMessage());
        }
        return true;
    }

    /**
     * Encoded with the job's error feedback: what INT8 rounding or top-k left out of this update travels in the
     * next one.
     */
    private byte[] encode(FederatedTask task, ModelUpdate update) {
        if (residual == null || !task.job().equals(residualJob)) {
            residual = new ErrorFeedback(update.delta().length);
            residualJob = task.job();
        }
        return residual.encode(update, task.updateEncoding());
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
