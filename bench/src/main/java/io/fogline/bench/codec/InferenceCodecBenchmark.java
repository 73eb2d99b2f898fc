package io.fogline.bench.codec;

import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The codec's share of one tiny-MLP request on the node's event loop: decoding a request of 64 features and encoding
 * a response of 10 probabilities, as JSON and with binary tensors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InferenceCodecBenchmark {

    @Param({"json", "binary"})
    public String encoding;

    private byte[] requestBody;
    private int requestHeaderLength;
    private InferenceResponse response;

    @Setup
    public void encodeInputs() {
        boolean binary = encoding.equals("binary");
        Tensor features = Tensor.ofFloats("input", new long[] {1, 64}, randomFloats(64));
        InferenceCodec.Encoded request = InferenceCodec.encodeRequest(
                new InferenceRequest(
                        null, binary ? Map.of("binary_data_output", true) : Map.of(), List.of(features), List.of()),
                binary);
        requestBody = request.body();
        requestHeaderLength = request.headerLength();
        Tensor probabilities = Tensor.ofFloats("probabilities", new long[] {1, 10}, randomFloats(10));
        response = new InferenceResponse("mlp", "1", null, Map.of(), List.of(probabilities));
    }

    @Benchmark
    public InferenceRequest decodeRequest() {
        return InferenceCodec.decodeRequest(requestBody, requestBody.length, requestHeaderLength);
    }

    @Benchmark
    public InferenceCodec.Encoded encodeResponse() {
        boolean binary = encoding.equals("binary");
        return InferenceCodec.encodeResponse(response, name -> binary);
    }

    private static float[] randomFloats(int count) {
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }
}
