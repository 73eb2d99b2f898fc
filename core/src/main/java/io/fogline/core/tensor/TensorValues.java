package io.fogline.core.tensor;

import java.nio.ByteBuffer;

/** A numeric tensor's elements widened to doubles, so tolerances and statistics treat every datatype alike. */
public final class TensorValues {

    private TensorValues() {}

    public static boolean isNumeric(DataType type) {
        return type != DataType.BYTES && type != DataType.BOOL;
    }

    public static boolean isFloatingPoint(DataType type) {
        return type == DataType.FP16 || type == DataType.BF16 || type == DataType.FP32 || type == DataType.FP64;
    }

    public static double[] of(Tensor tensor) {
        ByteBuffer data = tensor.data();
        int count = (int) tensor.elementCount();
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (tensor.datatype()) {
                case UINT8 -> Byte.toUnsignedInt(data.get());
                case INT8, BOOL -> data.get();
                case UINT16 -> Short.toUnsignedInt(data.getShort());
                case INT16 -> data.getShort();
                case UINT32 -> Integer.toUnsignedLong(data.getInt());
                case INT32 -> data.getInt();
                case UINT64 -> unsigned(data.getLong());
                case INT64 -> data.getLong();
                case FP16 -> Float.float16ToFloat(data.getShort());
                case BF16 -> Float.intBitsToFloat(data.getShort() << 16);
                case FP32 -> data.getFloat();
                case FP64 -> data.getDouble();
                case BYTES -> throw new IllegalArgumentException("BYTES tensor '" + tensor.name() + "' is not numeric");
            };
        }
        return values;
    }

    private static double unsigned(long value) {
        return value >= 0 ? value : (double) (value >>> 1) * 2.0 + (value & 1);
    }
}
