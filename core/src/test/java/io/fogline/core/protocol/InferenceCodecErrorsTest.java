package io.fogline.core.protocol;

import static io.fogline.core.protocol.Bodies.assertInvalid;
import static io.fogline.core.protocol.Bodies.decodeJson;
import static io.fogline.core.protocol.Bodies.decodeWithBinary;
import static io.fogline.core.protocol.Bodies.littleEndianFloats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The messages a client gets back, as {@code {"error": "..."}} with status 400, for each way a request can be wrong.
 * They are part of the API: a client developer reads them to fix the request, so each is asserted word for word.
 */
class InferenceCodecErrorsTest {

    /** One input named x, with the given JSON fields after its name. */
    private static String oneInput(String fields) {
        return "{\"inputs\":[{\"name\":\"x\"," + fields + "}]}";
    }

    @Test
    void theBodyMustBeAJsonObjectWithInputs() {
        assertInvalid(() -> decodeJson("[1]"), "the request body must be a JSON object");
        assertInvalid(() -> decodeJson("{\"id\":\"7\"}"), "the request has no 'inputs'");
        assertInvalid(() -> decodeJson("{\"inputs\":{}}"), "'inputs' must be an array");
        assertInvalid(() -> decodeJson("{\"inputs\":[1]}"), "each of 'inputs' must be an object");
        assertInvalid(() -> decodeJson("{\"id\":7,\"inputs\":[]}"), "'id' must be a string");
    }

    @Test
    void malformedJsonIsReportedAsSuch() {
        assertInvalid(() -> decodeJson(""), "malformed JSON: unexpected end of input");
        assertInvalid(() -> decodeJson("{\"inputs\":[]} {}"), "malformed JSON: content after the end of the object");
        // Past the prefix the text is Jackson's and may change with its version.
        assertThatThrownBy(() -> decodeJson("{\"inputs\":[{\"name\":"))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("malformed JSON: ");
        assertThatThrownBy(() -> decodeJson("{\"inputs\":[{\"name\" \"x\"}]}"))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("malformed JSON: ");
    }

    @Test
    void everyInputNeedsNameShapeAndDatatype() {
        assertInvalid(
                () -> decodeJson("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"),
                "inputs[0] has no 'name'");
        assertInvalid(
                () -> decodeJson("{\"inputs\":[{\"name\":\"a\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
                        + "{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"),
                "inputs[1] has no 'name'");
        assertInvalid(() -> decodeJson(oneInput("\"datatype\":\"FP32\",\"data\":[1]")), "input 'x' has no 'shape'");
        assertInvalid(() -> decodeJson(oneInput("\"shape\":[1],\"data\":[1]")), "tensor 'x': missing datatype");
        assertInvalid(
                () -> decodeJson("{\"inputs\":[{\"name\":1,\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"),
                "'inputs[0].name' must be a string");
    }

    @Test
    void anUnknownDatatypeIsNamedWithTheValidOnes() {
        String valid = "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64, BYTES";

        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FLOAT32\",\"data\":[1]")),
                "tensor 'x': unsupported datatype 'FLOAT32', expected one of " + valid);
        // The protocol spells datatypes in capitals; a lower-case one is a different, unknown name.
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"fp32\",\"data\":[1]")),
                "tensor 'x': unsupported datatype 'fp32', expected one of " + valid);
    }

    @Test
    void theShapeMustBeNonNegativeIntegersOfAHoldableSize() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2,-1],\"datatype\":\"FP32\",\"data\":[1,2]")),
                "inputs[0]: 'shape' must hold non-negative integers");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1.0],\"datatype\":\"FP32\",\"data\":[1]")),
                "inputs[0]: 'shape' must hold non-negative integers");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":2,\"datatype\":\"FP32\",\"data\":[1,2]")),
                "inputs[0]: 'shape' must be an array of integers");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[" + "1,".repeat(64) + "1],\"datatype\":\"FP32\",\"data\":[1]")),
                "inputs[0]: 'shape' has more than 64 dimensions");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[4294967296,4294967296],\"datatype\":\"FP32\",\"data\":[1]")),
                "input 'x': shape [4294967296,4294967296] has more elements than a tensor may hold");
    }

    @Test
    void aShapeWhoseByteSizeOverflowsIsRejectedNotTakenForEmpty() {
        // 2^62 FP64 elements need 2^65 bytes, which wraps to 0 in a long: the binary_data_size 0 seemed to match,
        // and the codec handed out a tensor claiming 2^62 elements over no data at all.
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[4611686018427387904],\"datatype\":\"FP64\","
                                + "\"parameters\":{\"binary_data_size\":0}"),
                        new byte[0]),
                "input 'x': shape [4611686018427387904] has more elements than a tensor may hold");
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[1073741824,4],\"datatype\":\"INT32\","
                                + "\"parameters\":{\"binary_data_size\":0}"),
                        new byte[0]),
                "input 'x': shape [1073741824,4] has more elements than a tensor may hold");
    }

    @Test
    void theDataMustHoldAsManyElementsAsTheShape() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5]")),
                "input 'x': shape [2,3] needs 6 elements, data has 5");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[[1,2,3],[4,5,6],[7]]")),
                "input 'x': shape [2,3] needs 6 elements, data has 7");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[],\"datatype\":\"INT64\",\"data\":[]")),
                "input 'x': shape [] needs 1 elements, data has 0");
    }

    @Test
    void integersOutOfRangeAreRejectedWithTheRange() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[3],\"datatype\":\"UINT8\",\"data\":[0,255,256]")),
                "tensor 'x': element 2 is 256, expected an integer in [0, 255] for UINT8");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"UINT8\",\"data\":[-1]")),
                "tensor 'x': element 0 is -1, expected an integer in [0, 255] for UINT8");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2],\"datatype\":\"INT8\",\"data\":[127,128]")),
                "tensor 'x': element 1 is 128, expected an integer in [-128, 127] for INT8");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"INT8\",\"data\":[-129]")),
                "tensor 'x': element 0 is -129, expected an integer in [-128, 127] for INT8");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"INT32\",\"data\":[2147483648]")),
                "tensor 'x': element 0 is 2147483648, expected an integer in [-2147483648, 2147483647] for INT32");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"UINT64\",\"data\":[-1]")),
                "tensor 'x': element 0 is -1, expected an integer in [0, 18446744073709551615] for UINT64");
    }

    @Test
    void floatsAreNotIntegers() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2],\"datatype\":\"INT32\",\"data\":[1,2.5]")),
                "tensor 'x': element 1 is 2.5, expected an integer in [-2147483648, 2147483647] for INT32");
        // A whole number written with a decimal point is still a float token: the client meant a float tensor.
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"UINT8\",\"data\":[1.0]")),
                "tensor 'x': element 0 is 1.0, expected an integer in [0, 255] for UINT8");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"INT64\",\"data\":[NaN]")),
                "tensor 'x': element 0 is NaN, expected an integer in "
                        + "[-9223372036854775808, 9223372036854775807] for INT64");
    }

    @Test
    void stringsAndBooleansAreNotNumbers() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":[\"1.5\"]")),
                "tensor 'x': element 0 is \"1.5\", expected a number for a floating-point tensor");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FP16\",\"data\":[true]")),
                "tensor 'x': element 0 is true, expected a number for a floating-point tensor");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"INT64\",\"data\":[\"7\"]")),
                "tensor 'x': element 0 is \"7\", expected an integer in "
                        + "[-9223372036854775808, 9223372036854775807] for INT64");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"BOOL\",\"data\":[1]")),
                "tensor 'x': element 0 is 1, expected true or false for BOOL");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"a\",1]")),
                "tensor 'x': element 1 is 1, expected a string for BYTES");
    }

    @Test
    void dataIsAnArrayOfScalarsAndArrays() {
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":1")),
                "inputs[0]: 'data' must be an array");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,null]")),
                "tensor 'x': data may hold only numbers, booleans, strings and arrays, found null");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":[{}]")),
                "tensor 'x': data may hold only numbers, booleans, strings and arrays, found {");
        // Deep nesting is cut off by the parser's limit, before it can exhaust the stack.
        assertThatThrownBy(() -> decodeJson(oneInput(
                        "\"shape\":[1],\"datatype\":\"FP32\",\"data\":" + "[".repeat(100) + "1" + "]".repeat(100))))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("malformed JSON: ");
    }

    @Test
    void anInputHasDataOrBinaryDataNotBothNorNeither() {
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],"
                                + "\"parameters\":{\"binary_data_size\":4}"),
                        littleEndianFloats(1f)),
                "input 'x' has both 'data' and binary_data_size");
        assertInvalid(
                () -> decodeJson(oneInput("\"shape\":[1],\"datatype\":\"FP32\"")),
                "input 'x' has neither 'data' nor binary_data_size");
    }

    @Test
    void binaryDataSizeMustFitTheShapeAndTheBody() {
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}"),
                        littleEndianFloats(1f)),
                "input 'x': shape [2] of FP32 needs 8 bytes, binary_data_size is 4");
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}"),
                        littleEndianFloats(1f)),
                "tensor 'x': binary_data_size 8 overruns the binary section, which has 4 bytes left");
        assertInvalid(
                () -> decodeJson(
                        oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}")),
                "tensor 'x': binary_data_size 4 overruns the binary section, which has 0 bytes left");
        for (String size : new String[] {"-4", "4.0", "\"4\"", "true", "9223372036854775808"}) {
            assertInvalid(
                    () -> decodeWithBinary(
                            oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":" + size
                                    + "}"),
                            littleEndianFloats(1f)),
                    "input 'x': binary_data_size must be a non-negative integer");
        }
    }

    @Test
    void bytesLeftOverAfterTheBinaryTensorsAreRejected() {
        byte[] binary = ByteBuffer.allocate(11).put(littleEndianFloats(1f, 2f)).array();

        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}"),
                        binary),
                "the body has 3 bytes after the JSON header that no tensor's binary_data_size accounts for");
    }

    @Test
    void binaryBytesMustHoldTheShapesElementsInTheirLayout() {
        ByteBuffer oneString = ByteBuffer.allocate(6)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(2)
                .put((byte) 'h')
                .put((byte) 'i');
        ByteBuffer overrun = ByteBuffer.allocate(6)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(10)
                .put((byte) 'h')
                .put((byte) 'i');

        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}"),
                        oneString.array()),
                "input 'x': shape [2] needs 2 elements, the binary data holds 1");
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}"),
                        overrun.array()),
                "tensor 'x': BYTES element of 10 bytes overruns the 2 bytes left");
        assertInvalid(
                () -> decodeWithBinary(
                        oneInput("\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":2}"),
                        new byte[] {1, 0}),
                "tensor 'x': BYTES element length is truncated");
    }

    @Test
    void aHeaderLengthBeyondTheBodyOrNegativeIsRejected() {
        byte[] body =
                oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]").getBytes(StandardCharsets.UTF_8);

        assertInvalid(
                () -> InferenceCodec.decodeRequest(body, body.length, body.length + 1),
                "Inference-Header-Content-Length is " + (body.length + 1) + " but the body has only " + body.length
                        + " bytes");
        // -1 is how the caller says the header was absent; other negative values come from a broken header.
        assertInvalid(
                () -> InferenceCodec.decodeRequest(body, body.length, -2),
                "Inference-Header-Content-Length is -2 but must not be negative");
        // A header length that stops inside the JSON leaves it unterminated.
        assertThatThrownBy(() -> InferenceCodec.decodeRequest(body, body.length, body.length - 2))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("malformed JSON: ");
    }

    @Test
    void requestedOutputsNeedANameAndWellTypedParameters() {
        String input = "{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}";

        assertInvalid(
                () -> decodeJson("{\"inputs\":[" + input + "],\"outputs\":[{\"parameters\":{}}]}"),
                "outputs[0] has no 'name'");
        assertInvalid(
                () -> decodeJson("{\"inputs\":[" + input + "],\"outputs\":[{\"name\":\"y\","
                        + "\"parameters\":{\"binary_data\":\"yes\"}}]}"),
                "output 'y': parameter 'binary_data' must be a boolean");
        for (String count : new String[] {"-1", "2.5", "\"3\"", "2147483648"}) {
            assertInvalid(
                    () -> decodeJson("{\"inputs\":[" + input + "],\"outputs\":[{\"name\":\"y\","
                            + "\"parameters\":{\"classification\":" + count + "}}]}"),
                    "output 'y': parameter 'classification' must be a non-negative integer");
        }
    }

    @Test
    void parametersAreFlatScalars() {
        assertInvalid(() -> decodeJson("{\"parameters\":[],\"inputs\":[]}"), "request 'parameters' must be an object");
        assertInvalid(
                () -> decodeJson("{\"parameters\":{\"p\":{\"q\":1}},\"inputs\":[]}"),
                "request parameter 'p' must be a string, a number or a boolean");
        assertInvalid(
                () -> decodeJson("{\"parameters\":{\"p\":null},\"inputs\":[]}"),
                "request parameter 'p' must be a string, a number or a boolean");
        assertInvalid(
                () -> decodeJson(
                        oneInput("\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],\"parameters\":{\"p\":[1]}")),
                "inputs[0] parameter 'p' must be a string, a number or a boolean");
    }

    @Test
    void anErrorFromAnotherTierIsInternalNotTheClientsFault() {
        byte[] body = InferenceCodec.encodeError("model 'm' is not ready");

        assertThatThrownBy(() -> InferenceCodec.decodeResponse(body, body.length, -1))
                .isInstanceOfSatisfying(
                        InferenceException.class, e -> assertThat(e.kind()).isEqualTo(InferenceException.Kind.INTERNAL))
                .hasMessage("the server answered with an error: model 'm' is not ready");
    }
}
