package io.fogline.bundle.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the weights sit in an ONNX file: the byte ranges of its initializers' data, found by walking the protobuf wire
 * format (ModelProto.graph, GraphProto.initializer, TensorProto's data fields) without decoding anything else. A
 * fine-tuned model keeps most of these ranges byte for byte, which is what a delta copies instead of sending.
 */
final class OnnxTensors {

    /** Payloads shorter than this cost more to describe as a copy than to send. */
    static final int SMALLEST = 64;

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH = 2;
    private static final int WIRE_FIXED32 = 5;

    /** {@code [start, end)} of one tensor's data in the file. */
    record Range(int start, int end) {
        int length() {
            return end - start;
        }
    }

    private OnnxTensors() {}

    /**
     * The data ranges of the initializers, in file order; empty when {@code file} is not an ONNX model this reader can
     * walk (another format, a truncated file, or one with no initializer data worth copying).
     */
    static Optional<List<Range>> of(byte[] file) {
        List<Range> ranges = new ArrayList<>();
        try {
            Reader model = new Reader(file, 0, file.length);
            boolean graphSeen = false;
            while (model.more()) {
                long tag = model.varint();
                if ((int) (tag >>> 3) == MODEL_GRAPH && (tag & 7) == WIRE_LENGTH) {
                    graphSeen = true;
                    Reader graph = model.nested();
                    while (graph.more()) {
                        long graphTag = graph.varint();
                        if ((int) (graphTag >>> 3) == GRAPH_INITIALIZER && (graphTag & 7) == WIRE_LENGTH) {
                            tensorData(graph.nested(), ranges);
                        } else {
                            graph.skip(graphTag);
                        }
                    }
                } else {
                    model.skip(tag);
                }
            }
            return graphSeen && !ranges.isEmpty() ? Optional.of(ranges) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** TensorProto fields float_data, int32_data, int64_data, raw_data, double_data and uint64_data, packed. */
    private static void tensorData(Reader tensor, List<Range> ranges) {
        while (tensor.more()) {
            long tag = tensor.varint();
            int field = (int) (tag >>> 3);
            boolean data = field == 4 || field == 5 || field == 7 || field == 9 || field == 10 || field == 11;
            if (data && (tag & 7) == WIRE_LENGTH) {
                Reader payload = tensor.nested();
                if (payload.end - payload.position >= SMALLEST) {
                    ranges.add(new Range(payload.position, payload.end));
                }
            } else {
                tensor.skip(tag);
            }
        }
    }

    /** A cursor over {@code [position, end)} of the file; a malformed field is an {@link IllegalArgumentException}. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;
        private final int end;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean more() {
            return position < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        /** The length-delimited field that starts here, as a reader of its own; this one moves past it. */
        Reader nested() {
            long length = varint();
            if (length < 0 || length > end - position) {
                throw new IllegalArgumentException("field longer than its message");
            }
            Reader inner = new Reader(bytes, position, position + (int) length);
            position += (int) length;
            return inner;
        }

        void skip(long tag) {
            switch ((int) (tag & 7)) {
                case WIRE_VARINT -> varint();
                case WIRE_FIXED64 -> advance(8);
                case WIRE_LENGTH -> nested();
                case WIRE_FIXED32 -> advance(4);
                default -> throw new IllegalArgumentException("wire type " + (tag & 7));
            }
        }

        private void advance(int count) {
            if (count > end - position) {
                throw new IllegalArgumentException("truncated field");
            }
            position += count;
        }
    }
}
