package io.fogline.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.grpc.proto.ModelInferRequest;
import io.fogline.node.grpc.proto.ModelInferResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class GrpcTensorsPropertiesTest {

    /** A tensor of any fixed-size datatype but the 16-bit floats, from random bytes that fit its element size. */
    private static Tensor tensor(DataType type, byte[] seed, int elements) {
        ByteBuffer data = Tensor.allocate((long) elements * type.byteSize());
        for (int i = 0; i < data.capacity(); i++) {
            data.put(seed.length == 0 ? 0 : seed[i % seed.length]);
        }
        if (type == DataType.BOOL) {
            for (int i = 0; i < elements; i++) {
                data.put(i, (byte) (data.get(i) & 1));
            }
        }
        return new Tensor("t", type, new long[] {1, elements}, data.flip());
    }

    @Property(tries = 300)
    void typedContentsCarryEveryElementBothWays(
            @ForAll DataType type, @ForAll @Size(max = 64) byte[] seed, @ForAll @IntRange(max = 40) int elements) {
        if (type == DataType.FP16 || type == DataType.BF16 || type == DataType.BYTES) {
            return;
        }
        Tensor sent = tensor(type, seed, elements);
        ModelInferResponse answer = GrpcTensors.response(
                new InferenceResponse("m", "1", null, Map.of(), List.of(sent)),
                new InferenceRequest(null, Map.of(), List.of(), List.of(new RequestedOutput("t", false, 0))));
        ModelInferResponse.InferOutputTensor output = answer.getOutputs(0);
        InferenceRequest back = GrpcTensors.request(ModelInferRequest.newBuilder()
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("t")
                        .setDatatype(output.getDatatype())
                        .addAllShape(output.getShapeList())
                        .setContents(output.getContents()))
                .build());
        // Floating-point NaNs may change their payload bits on the way: compare what they mean.
        assertThat(back.inputs().getFirst().datatype()).isEqualTo(type);
        if (type == DataType.FP32 || type == DataType.FP64) {
            assertThat(io.fogline.core.tensor.TensorValues.of(back.inputs().getFirst()))
                    .containsExactly(io.fogline.core.tensor.TensorValues.of(sent));
        } else {
            assertThat(back.inputs().getFirst()).isEqualTo(sent);
        }
    }

    @Property(tries = 200)
    void rawContentsAreTheTensorsBytes(@ForAll DataType type, @ForAll @Size(max = 64) byte[] seed) {
        if (type == DataType.BYTES) {
            return;
        }
        Tensor sent = tensor(type, seed, 5);
        ModelInferResponse answer = GrpcTensors.response(
                new InferenceResponse("m", "1", "id", Map.of("fogline_tier", "local"), List.of(sent)),
                new InferenceRequest(null, Map.of(), List.of(), List.of()));
        assertThat(answer.getRawOutputContents(0).asReadOnlyByteBuffer()).isEqualTo(sent.data());
        assertThat(answer.getParametersMap().get("fogline_tier").getStringParam())
                .isEqualTo("local");
        InferenceRequest back = GrpcTensors.request(ModelInferRequest.newBuilder()
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("t")
                        .setDatatype(type.name())
                        .addAllShape(List.of(1L, 5L)))
                .addRawInputContents(answer.getRawOutputContents(0))
                .build());
        assertThat(back.inputs().getFirst()).isEqualTo(sent);
    }
}
