package io.fogline.core.protocol;

import static io.fogline.core.protocol.Bodies.decodeJson;
import static io.fogline.core.protocol.Bodies.decodeWithBinary;
import static io.fogline.core.protocol.Bodies.littleEndianFloats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bodies as other Open Inference Protocol clients and servers write them (Triton, KServe, tritonclient), and the
 * bodies the codec writes for them, example by example.
 */
class InferenceCodecWireFormatTest {

    @Test
    void nestedDataGivesTheSameTensorAsFlatData() {
        Tensor flat = decodeJson("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\","
                        + "\"data\":[1,2,3,4,5,6]}]}")
                .input("x");
        Tensor nested = decodeJson("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\","
                        + "\"data\":[[1,2,3],[4,5,6]]}]}")
                .input("x");
        Tensor deeper = decodeJson("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\","
                        + "\"data\":[[[1],[2],[3]],[[4],[5],[6]]]}]}")
                .input("x");

        assertThat(nested).isEqualTo(flat);
        assertThat(deeper).isEqualTo(flat);
        assertThat(flat.toFloats()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void fieldsMayComeInAnyOrderAndUnknownOnesAreIgnored() {
        InferenceRequest request = decodeJson("{\"extension\":{\"a\":[1,{\"b\":null}]},"
                + "\"inputs\":[{\"data\":[\"hi\",\"\"],\"shape\":[2],\"unknown\":[[]],\"datatype\":\"BYTES\","
                + "\"name\":\"text\"}],\"trailer\":true}");

        assertThat(request.input("text")).isEqualTo(Tensor.ofStrings("text", new long[] {2}, "hi", ""));
    }

    @Test
    void scalarsAndEmptyTensorsAreTensorsToo() {
        InferenceRequest request = decodeJson("{\"inputs\":["
                + "{\"name\":\"scalar\",\"shape\":[],\"datatype\":\"INT64\",\"data\":[5]},"
                + "{\"name\":\"empty\",\"shape\":[0,3],\"datatype\":\"FP32\",\"data\":[]},"
                + "{\"name\":\"nested_empty\",\"shape\":[2,0],\"datatype\":\"BOOL\",\"data\":[[],[]]}]}");

        assertThat(request.input("scalar")).isEqualTo(Tensor.ofLongs("scalar", new long[0], 5));
        assertThat(request.input("empty")).isEqualTo(Tensor.ofFloats("empty", new long[] {0, 3}));
        assertThat(request.input("nested_empty").byteSize()).isZero();
        assertThat(request.input("nested_empty").shape()).containsExactly(2, 0);
    }

    @Test
    void idAndParametersArePreservedWithTheirTypes() {
        InferenceRequest request = decodeJson("{\"id\":\"req-42\",\"parameters\":{\"priority\":2,\"tag\":\"a\","
                + "\"ratio\":0.5,\"debug\":false,\"big\":18446744073709551616,\"binary_data_output\":true},"
                + "\"inputs\":[]}");

        assertThat(request.id()).isEqualTo("req-42");
        assertThat(request.parameters())
                .containsOnly(
                        entry("priority", 2L),
                        entry("tag", "a"),
                        entry("ratio", 0.5),
                        entry("debug", false),
                        entry("big", BigInteger.ONE.shiftLeft(64)),
                        entry("binary_data_output", true));
        assertThat(request.binaryOutputsByDefault()).isTrue();
        assertThat(decodeJson("{\"inputs\":[]}").id()).isNull();
    }

    @Test
    void requestedOutputsCarryClassificationAndBinaryData() {
        InferenceRequest request = decodeJson("{\"inputs\":[],\"outputs\":["
                + "{\"name\":\"probs\",\"parameters\":{\"classification\":3}},"
                + "{\"name\":\"embedding\",\"parameters\":{\"binary_data\":true,\"other\":\"ignored\"}},"
                + "{\"name\":\"logits\",\"parameters\":{\"binary_data\":false}},"
                + "{\"name\":\"raw\"}]}");

        assertThat(request.outputs())
                .containsExactly(
                        new RequestedOutput("probs", null, 3),
                        new RequestedOutput("embedding", true, 0),
                        new RequestedOutput("logits", false, 0),
                        RequestedOutput.named("raw"));
        assertThat(request.binaryOutputsByDefault()).isFalse();
    }

    @Test
    void binaryTensorsFollowTheHeaderInTheOrderItListsThem() {
        ByteBuffer strings = ByteBuffer.allocate(4 + 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        strings.putInt(2).put("hé".getBytes(StandardCharsets.ISO_8859_1)).putInt(0);
        byte[] binary = ByteBuffer.allocate(8 + strings.capacity())
                .put(littleEndianFloats(1.5f, Float.NaN))
                .put(strings.array())
                .array();

        InferenceRequest request = decodeWithBinary(
                "{\"inputs\":["
                        + "{\"name\":\"a\",\"shape\":[2],\"datatype\":\"FP32\","
                        + "\"parameters\":{\"binary_data_size\":8}},"
                        + "{\"name\":\"json\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[7]},"
                        + "{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BYTES\","
                        + "\"parameters\":{\"binary_data_size\":10}}]}",
                binary);

        assertThat(request.input("a").toFloats()).containsExactly(1.5f, Float.NaN);
        assertThat(request.input("json").toLongs()).containsExactly(7);
        assertThat(request.input("b").toByteElements()).containsExactly(new byte[] {'h', (byte) 0xE9}, new byte[0]);
    }

    @Test
    void responsesFromAnotherTierDecodeWithTheirBinaryOutputs() {
        String header = "{\"model_name\":\"mnist\",\"model_version\":\"3\",\"id\":\"r1\","
                + "\"parameters\":{\"fogline_tier\":\"fog\"},\"outputs\":["
                + "{\"name\":\"probs\",\"datatype\":\"FP32\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"seven\"]}]}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(json.length + 8)
                .put(json)
                .put(littleEndianFloats(0.25f, 0.75f))
                .array();

        InferenceResponse response = InferenceCodec.decodeResponse(body, body.length, json.length);

        assertThat(response.modelName()).isEqualTo("mnist");
        assertThat(response.modelVersion()).isEqualTo("3");
        assertThat(response.id()).isEqualTo("r1");
        assertThat(response.parameters()).isEqualTo(Map.of("fogline_tier", "fog"));
        assertThat(response.output("probs")).isEqualTo(Tensor.ofFloats("probs", new long[] {1, 2}, 0.25f, 0.75f));
        assertThat(response.output("label")).isEqualTo(Tensor.ofStrings("label", new long[] {1}, "seven"));
    }

    @Test
    void requestsAreWrittenAsOtherServersExpectThem() {
        InferenceRequest request = new InferenceRequest(
                "1",
                Map.of(),
                List.of(Tensor.ofFloats("x", new long[] {2}, 1f, 0.1f)),
                List.of(new RequestedOutput("y", true, 2)));

        InferenceCodec.Encoded json = InferenceCodec.encodeRequest(request, false);
        InferenceCodec.Encoded binary = InferenceCodec.encodeRequest(request, true);

        assertThat(new String(json.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"1\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],"
                        + "\"data\":[1.0,0.1]}],\"outputs\":[{\"name\":\"y\","
                        + "\"parameters\":{\"binary_data\":true,\"classification\":2}}]}");
        assertThat(json.hasBinary()).isFalse();
        String header = "{\"id\":\"1\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":8}}],\"outputs\":[{\"name\":\"y\","
                + "\"parameters\":{\"binary_data\":true,\"classification\":2}}]}";
        assertThat(binary.headerLength()).isEqualTo(header.length());
        assertThat(binary.body())
                .isEqualTo(ByteBuffer.allocate(header.length() + 8)
                        .put(header.getBytes(StandardCharsets.UTF_8))
                        .put(littleEndianFloats(1f, 0.1f))
                        .array());
    }

    @Test
    void nonFiniteFloatsAreWrittenAsTheStringsTheDecoderAccepts() {
        InferenceResponse response = new InferenceResponse(
                "m",
                null,
                null,
                Map.of(),
                List.of(Tensor.ofFloats(
                        "y", new long[] {3}, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)));

        byte[] body = InferenceCodec.encodeResponse(response, name -> false).body();

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"model_name\":\"m\",\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[3],"
                        + "\"data\":[\"NaN\",\"Infinity\",\"-Infinity\"]}]}");
        assertThat(InferenceCodec.decodeResponse(body, body.length, -1).output("y"))
                .isEqualTo(response.output("y"));
    }

    @Test
    void uint64AboveLongMaxIsWrittenUnsigned() {
        Tensor big = new Tensor(
                "u",
                DataType.UINT64,
                new long[] {2},
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(-1)
                        .putLong(Long.MIN_VALUE)
                        .flip());

        byte[] body =
                InferenceCodec.encodeRequest(InferenceRequest.of(big), false).body();

        assertThat(new String(body, StandardCharsets.UTF_8))
                .contains("\"data\":[18446744073709551615,9223372036854775808]");
        assertThat(decodeJson(new String(body, StandardCharsets.UTF_8)).input("u"))
                .isEqualTo(big);
    }
}
