package io.fogline.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * JSON and binary-tensor encoding of Open Inference Protocol requests and responses. A body is a JSON header,
 * optionally followed by the raw bytes of the tensors whose {@code binary_data_size} parameter is set, in the order
 * the header lists them; {@code Inference-Header-Content-Length} tells where the JSON ends.
 */
public final class InferenceCodec {

    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    public static final String BINARY_CONTENT_TYPE = "application/octet-stream";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxNumberLength(400)
                    .build())
            .build();

    /** An encoded body; {@code headerLength} is -1 when the body is JSON alone. */
    public record Encoded(byte[] body, int headerLength) {
        public boolean hasBinary() {
            return headerLength >= 0;
        }
    }

    private InferenceCodec() {}

    /**
     * Decodes a request body.
     *
     * @param headerLength the value of {@code Inference-Header-Content-Length}, or -1 when the body is JSON alone
     */
    public static InferenceRequest decodeRequest(byte[] body, int length, int headerLength) {
        int jsonLength = jsonLength(length, headerLength);
        String id = null;
        Map<String, Object> parameters = Map.of();
        List<PendingTensor> inputs = null;
        List<RequestedOutput> outputs = List.of();
        try (JsonParser parser = JSON.createParser(body, 0, jsonLength)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the request body must be a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = readString(parser, value, "id");
                    case "parameters" -> parameters = readParameters(parser, value, "request");
                    case "inputs" -> inputs = readTensors(parser, value, "inputs");
                    case "outputs" -> outputs = readRequestedOutputs(parser, value);
                    default -> parser.skipChildren();
                }
            }
            expectEnd(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
        if (inputs == null) {
            throw InferenceException.invalid("the request has no 'inputs'");
        }
        BinarySection binary = new BinarySection(body, jsonLength, length);
        List<Tensor> tensors = new ArrayList<>(inputs.size());
        for (PendingTensor input : inputs) {
            tensors.add(input.toTensor(binary, "input"));
        }
        binary.requireConsumed();
        return new InferenceRequest(id, parameters, tensors, outputs);
    }

    /** Decodes a response body, as a client of another tier reads it. */
    public static InferenceResponse decodeResponse(byte[] body, int length, int headerLength) {
        int jsonLength = jsonLength(length, headerLength);
        String modelName = null;
        String modelVersion = null;
        String id = null;
        Map<String, Object> parameters = Map.of();
        List<PendingTensor> outputs = List.of();
        try (JsonParser parser = JSON.createParser(body, 0, jsonLength)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the response body must be a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "model_name" -> modelName = readString(parser, value, "model_name");
                    case "model_version" -> modelVersion = readString(parser, value, "model_version");
                    case "id" -> id = readString(parser, value, "id");
                    case "parameters" -> parameters = readParameters(parser, value, "response");
                    case "outputs" -> outputs = readTensors(parser, value, "outputs");
                    case "error" ->
                        throw InferenceException.internal(
                                "the server answered with an error: " + readString(parser, value, "error"), null);
                    default -> parser.skipChildren();
                }
            }
            expectEnd(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
        BinarySection binary = new BinarySection(body, jsonLength, length);
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (PendingTensor output : outputs) {
            tensors.add(output.toTensor(binary, "output"));
        }
        binary.requireConsumed();
        return new InferenceResponse(modelName, modelVersion, id, parameters, tensors);
    }

    /** Encodes a request, with every input as binary data when {@code binaryInputs} is set. */
    public static Encoded encodeRequest(InferenceRequest request, boolean binaryInputs) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (request.id() != null) {
                json.writeStringField("id", request.id());
            }
            writeParameters(json, request.parameters());
            json.writeArrayFieldStart("inputs");
            for (Tensor input : request.inputs()) {
                writeTensor(json, input, binaryInputs);
            }
            json.writeEndArray();
            if (!request.outputs().isEmpty()) {
                json.writeArrayFieldStart("outputs");
                for (RequestedOutput output : request.outputs()) {
                    json.writeStartObject();
                    json.writeStringField("name", output.name());
                    if (output.binaryData() != null || output.classification() > 0) {
                        json.writeObjectFieldStart("parameters");
                        if (output.binaryData() != null) {
                            json.writeBooleanField("binary_data", output.binaryData());
                        }
                        if (output.classification() > 0) {
                            json.writeNumberField("classification", output.classification());
                        }
                        json.writeEndObject();
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return withBinary(out, binaryInputs ? request.inputs() : List.of());
    }

    /** Encodes a response; outputs for which {@code asBinary} holds go in the binary section. */
    public static Encoded encodeResponse(InferenceResponse response, Predicate<String> asBinary) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        List<Tensor> binaryOutputs = new ArrayList<>();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model_name", response.modelName());
            if (response.modelVersion() != null) {
                json.writeStringField("model_version", response.modelVersion());
            }
            if (response.id() != null) {
                json.writeStringField("id", response.id());
            }
            writeParameters(json, response.parameters());
            json.writeArrayFieldStart("outputs");
            for (Tensor output : response.outputs()) {
                boolean binary = asBinary.test(output.name());
                writeTensor(json, output, binary);
                if (binary) {
                    binaryOutputs.add(output);
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return withBinary(out, binaryOutputs);
    }

    /** The {@code {"error": "..."}} body of a failed request. */
    public static byte[] encodeError(String message) {
        ByteArrayBuilder out = new ByteArrayBuilder(64 + message.length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static Encoded withBinary(ByteArrayBuilder out, List<Tensor> binaryTensors) {
        if (binaryTensors.isEmpty()) {
            return new Encoded(out.toByteArray(), -1);
        }
        int headerLength = out.size();
        for (Tensor tensor : binaryTensors) {
            ByteBuffer data = tensor.data();
            if (data.hasArray()) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            } else {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                out.write(copy);
            }
        }
        return new Encoded(out.toByteArray(), headerLength);
    }

    private static int jsonLength(int length, int headerLength) {
        if (headerLength == -1) {
            return length;
        }
        if (headerLength < 0) {
            // Only -1 means "no header"; any other negative value is a broken header, not a JSON-only body.
            throw InferenceException.invalid(HEADER_LENGTH + " is " + headerLength + " but must not be negative");
        }
        if (headerLength > length) {
            throw InferenceException.invalid(
                    HEADER_LENGTH + " is " + headerLength + " but the body has only " + length + " bytes");
        }
        return headerLength;
    }

    private static void writeParameters(JsonGenerator json, Map<String, Object> parameters) throws IOException {
        if (parameters.isEmpty()) {
            return;
        }
        json.writeObjectFieldStart("parameters");
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            json.writeFieldName(parameter.getKey());
            switch (parameter.getValue()) {
                case String text -> json.writeString(text);
                case Boolean flag -> json.writeBoolean(flag);
                case Integer number -> json.writeNumber(number);
                case Long number -> json.writeNumber(number);
                case Float number -> json.writeNumber(number);
                case Double number -> json.writeNumber(number);
                case BigInteger number -> json.writeNumber(number);
                default -> json.writeString(parameter.getValue().toString());
            }
        }
        json.writeEndObject();
    }

    private static void writeTensor(JsonGenerator json, Tensor tensor, boolean binary) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", tensor.name());
        json.writeStringField("datatype", tensor.datatype().name());
        long[] shape = tensor.shape();
        json.writeFieldName("shape");
        json.writeArray(shape, 0, shape.length);
        if (binary) {
            json.writeObjectFieldStart("parameters");
            json.writeNumberField("binary_data_size", tensor.byteSize());
            json.writeEndObject();
        } else {
            json.writeArrayFieldStart("data");
            writeElements(json, tensor);
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void writeElements(JsonGenerator json, Tensor tensor) throws IOException {
        ByteBuffer data = tensor.data();
        switch (tensor.datatype()) {
            case BOOL -> {
                while (data.hasRemaining()) json.writeBoolean(data.get() != 0);
            }
            case UINT8 -> {
                while (data.hasRemaining()) json.writeNumber(data.get() & 0xFF);
            }
            case UINT16 -> {
                while (data.hasRemaining()) json.writeNumber(data.getShort() & 0xFFFF);
            }
            case UINT32 -> {
                while (data.hasRemaining()) json.writeNumber(data.getInt() & 0xFFFF_FFFFL);
            }
            case UINT64 -> {
                while (data.hasRemaining()) {
                    long value = data.getLong();
                    if (value >= 0) {
                        json.writeNumber(value);
                    } else {
                        json.writeNumber(new BigInteger(Long.toUnsignedString(value)));
                    }
                }
            }
            case INT8 -> {
                while (data.hasRemaining()) json.writeNumber(data.get());
            }
            case INT16 -> {
                while (data.hasRemaining()) json.writeNumber(data.getShort());
            }
            case INT32 -> {
                while (data.hasRemaining()) json.writeNumber(data.getInt());
            }
            case INT64 -> {
                while (data.hasRemaining()) json.writeNumber(data.getLong());
            }
            case FP16 -> {
                while (data.hasRemaining()) json.writeNumber(Float.float16ToFloat(data.getShort()));
            }
            case BF16 -> {
                while (data.hasRemaining()) json.writeNumber(FloatFormats.bfloat16ToFloat(data.getShort()));
            }
            case FP32 -> {
                while (data.hasRemaining()) json.writeNumber(data.getFloat());
            }
            case FP64 -> {
                while (data.hasRemaining()) json.writeNumber(data.getDouble());
            }
            case BYTES -> {
                for (byte[] element : tensor.toByteElements()) {
                    json.writeString(new String(element, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static List<PendingTensor> readTensors(JsonParser parser, JsonToken token, String field)
            throws IOException {
        expect(token, JsonToken.START_ARRAY, "'" + field + "' must be an array");
        List<PendingTensor> tensors = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            expect(parser.currentToken(), JsonToken.START_OBJECT, "each of '" + field + "' must be an object");
            tensors.add(PendingTensor.read(parser, field, tensors.size()));
        }
        return tensors;
    }

    private static List<RequestedOutput> readRequestedOutputs(JsonParser parser, JsonToken token) throws IOException {
        expect(token, JsonToken.START_ARRAY, "'outputs' must be an array");
        List<RequestedOutput> outputs = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            expect(parser.currentToken(), JsonToken.START_OBJECT, "each of 'outputs' must be an object");
            String name = null;
            Map<String, Object> parameters = Map.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "name" -> name = readString(parser, value, "outputs[].name");
                    case "parameters" -> parameters = readParameters(parser, value, "output");
                    default -> parser.skipChildren();
                }
            }
            if (name == null) {
                throw InferenceException.invalid("outputs[" + outputs.size() + "] has no 'name'");
            }
            Object binary = parameters.get("binary_data");
            if (binary != null && !(binary instanceof Boolean)) {
                throw InferenceException.invalid("output '" + name + "': parameter 'binary_data' must be a boolean");
            }
            Object classification = parameters.getOrDefault("classification", 0L);
            if (!(classification instanceof Long count) || count < 0 || count > Integer.MAX_VALUE) {
                throw InferenceException.invalid(
                        "output '" + name + "': parameter 'classification' must be a non-negative integer");
            }
            outputs.add(new RequestedOutput(name, (Boolean) binary, count.intValue()));
        }
        return outputs;
    }

    private static Map<String, Object> readParameters(JsonParser parser, JsonToken token, String owner)
            throws IOException {
        expect(token, JsonToken.START_OBJECT, owner + " 'parameters' must be an object");
        Map<String, Object> parameters = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            parameters.put(
                    key,
                    switch (value) {
                        case VALUE_STRING -> parser.getText();
                        case VALUE_TRUE -> Boolean.TRUE;
                        case VALUE_FALSE -> Boolean.FALSE;
                        case VALUE_NUMBER_INT ->
                            parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                    ? parser.getBigIntegerValue()
                                    : (Object) parser.getLongValue();
                        case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                        default ->
                            throw InferenceException.invalid(
                                    owner + " parameter '" + key + "' must be a string, a number or a boolean");
                    });
        }
        return parameters;
    }

    private static String readString(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid("'" + field + "' must be a string");
        }
        return parser.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw InferenceException.invalid(actual == null ? "malformed JSON: unexpected end of input" : message);
        }
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw InferenceException.invalid("malformed JSON: unexpected end of input");
        }
        if (parser.nextToken() != null) {
            throw InferenceException.invalid("malformed JSON: content after the end of the object");
        }
    }

    private static InferenceException malformed(IOException e) {
        String message =
                e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage();
        return InferenceException.invalid("malformed JSON: " + message);
    }

    /** The bytes after the JSON header, handed out in the order the header lists its binary tensors. */
    private static final class BinarySection {
        private final byte[] body;
        private final int end;
        private int position;

        BinarySection(byte[] body, int start, int end) {
            this.body = body;
            this.position = start;
            this.end = end;
        }

        ByteBuffer take(long size, String tensorName) {
            if (size > end - position) {
                throw InferenceException.invalid("tensor '" + tensorName + "': binary_data_size " + size
                        + " overruns the binary section, which has " + (end - position) + " bytes left");
            }
            ByteBuffer slice = ByteBuffer.wrap(body, position, (int) size).slice();
            position += (int) size;
            return slice;
        }

        void requireConsumed() {
            if (position != end) {
                throw InferenceException.invalid("the body has " + (end - position)
                        + " bytes after the JSON header that no tensor's binary_data_size accounts for");
            }
        }
    }

    /** A tensor as read from the JSON header, before its data is bound to its datatype and the binary section. */
    private static final class PendingTensor {
        String name;
        String datatype;
        long[] shape;
        Map<String, Object> parameters = Map.of();
        JsonElements data;

        static PendingTensor read(JsonParser parser, String field, int index) throws IOException {
            PendingTensor tensor = new PendingTensor();
            String label = field + "[" + index + "]";
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (key) {
                    case "name" -> tensor.name = readString(parser, value, label + ".name");
                    case "datatype" -> tensor.datatype = readString(parser, value, label + ".datatype");
                    case "shape" -> tensor.shape = readShape(parser, value, label);
                    case "parameters" -> tensor.parameters = readParameters(parser, value, label);
                    case "data" -> {
                        if (value == JsonToken.START_ARRAY) {
                            tensor.data = JsonElements.read(parser, tensor.name == null ? label : tensor.name);
                        } else {
                            throw InferenceException.invalid(label + ": 'data' must be an array");
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (tensor.name == null) {
                throw InferenceException.invalid(label + " has no 'name'");
            }
            if (tensor.shape == null) {
                throw InferenceException.invalid(
                        field.substring(0, field.length() - 1) + " '" + tensor.name + "' has no 'shape'");
            }
            return tensor;
        }

        private static long[] readShape(JsonParser parser, JsonToken token, String label) throws IOException {
            expect(token, JsonToken.START_ARRAY, label + ": 'shape' must be an array of integers");
            long[] dims = new long[8];
            int rank = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                        || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || parser.getLongValue() < 0) {
                    throw InferenceException.invalid(label + ": 'shape' must hold non-negative integers");
                }
                if (rank == dims.length) {
                    if (rank == 64) {
                        throw InferenceException.invalid(label + ": 'shape' has more than 64 dimensions");
                    }
                    dims = java.util.Arrays.copyOf(dims, rank * 2);
                }
                dims[rank++] = parser.getLongValue();
            }
            return java.util.Arrays.copyOf(dims, rank);
        }

        Tensor toTensor(BinarySection binary, String role) {
            DataType type = DataType.parse(datatype, name);
            long count = elementCount(role, name, shape);
            Object binarySize = parameters.get("binary_data_size");
            if (binarySize != null) {
                if (data != null) {
                    throw InferenceException.invalid(role + " '" + name + "' has both 'data' and binary_data_size");
                }
                if (!(binarySize instanceof Long size) || size < 0) {
                    throw InferenceException.invalid(
                            role + " '" + name + "': binary_data_size must be a non-negative integer");
                }
                if (type.isFixedSize() && size != count * type.byteSize()) {
                    throw InferenceException.invalid(role + " '" + name + "': shape " + Shapes.format(shape) + " of "
                            + type + " needs " + count * type.byteSize() + " bytes, binary_data_size is " + size);
                }
                return rawTensor(role, name, type, shape, binary.take(size, name));
            }
            if (data != null) {
                if (data.size() != count) {
                    throw InferenceException.invalid(role + " '" + name + "': shape " + Shapes.format(shape) + " needs "
                            + count + " elements, data has " + data.size());
                }
                return new Tensor(name, type, shape, data.toBuffer(type, name));
            }
            throw InferenceException.invalid(role + " '" + name + "' has neither 'data' nor binary_data_size");
        }
    }

    /**
     * A tensor from its raw bytes in the binary extension's layout (gRPC's {@code raw_input_contents} use the same),
     * checked against its shape: the byte size of fixed-size elements, the element count of BYTES.
     *
     * @param role "input" or "output", for the messages
     */
    public static Tensor rawTensor(String role, String name, DataType type, long[] shape, ByteBuffer data) {
        long count = elementCount(role, name, shape);
        if (type.isFixedSize() && data.remaining() != count * type.byteSize()) {
            throw InferenceException.invalid(role + " '" + name + "': shape " + Shapes.format(shape) + " of " + type
                    + " needs " + count * type.byteSize() + " bytes, the raw data has " + data.remaining());
        }
        Tensor tensor = new Tensor(name, type, shape, data);
        if (type == DataType.BYTES) {
            int elements = tensor.toByteElements().size();
            if (elements != count) {
                throw InferenceException.invalid(role + " '" + name + "': shape " + Shapes.format(shape) + " needs "
                        + count + " elements, the binary data holds " + elements);
            }
        }
        return tensor;
    }

    /**
     * The elements a shape holds. Every element takes at least a byte and a tensor at most 2 GiB. The bound also
     * keeps byte sizes from overflowing: 2^62 FP64 elements would need 2^65 bytes, which wraps to 0 in a long and
     * would let a size of 0 pass for a tensor that claims 2^62 elements over no data.
     */
    public static long elementCount(String role, String name, long[] shape) {
        long count = Shapes.elementCount(shape);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw InferenceException.invalid(role + " '" + name + "': shape " + Shapes.format(shape)
                    + " has more elements than a tensor may hold");
        }
        return count;
    }
}
