package io.fogline.optimize.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads ONNX initializers into flat Java arrays and builds new ones. */
public final class Tensors {

    private Tensors() {}

    public static long elementCount(TensorProto tensor) {
        long count = 1;
        for (long dimension : tensor.getDimsList()) {
            count *= dimension;
        }
        return count;
    }

    public static boolean isFloat(TensorProto tensor) {
        return tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE;
    }

    /** The elements of a FLOAT tensor, whether stored as raw little-endian bytes or in {@code float_data}. */
    public static float[] floats(TensorProto tensor) {
        if (!isFloat(tensor)) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' is not FLOAT");
        }
        int count = Math.toIntExact(elementCount(tensor));
        float[] values = new float[count];
        if (!tensor.getRawData().isEmpty()) {
            tensor.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values);
        } else {
            for (int k = 0; k < count; k++) {
                values[k] = tensor.getFloatData(k);
            }
        }
        return values;
    }

    public static TensorProto floats(String name, long[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT, dims, ByteString.copyFrom(bytes.array()));
    }

    public static TensorProto int8s(String name, long[] dims, byte[] values) {
        return tensor(name, TensorProto.DataType.INT8, dims, ByteString.copyFrom(values));
    }

    public static TensorProto uint8s(String name, long[] dims, byte[] values) {
        return tensor(name, TensorProto.DataType.UINT8, dims, ByteString.copyFrom(values));
    }

    public static TensorProto int32s(String name, long[] dims, int[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return tensor(name, TensorProto.DataType.INT32, dims, ByteString.copyFrom(bytes.array()));
    }

    public static TensorProto scalar(String name, float value) {
        return floats(name, new long[0], new float[] {value});
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, long[] dims, ByteString raw) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(raw);
        for (long dimension : dims) {
            tensor.addDims(dimension);
        }
        return tensor.build();
    }
}
