package io.fogline.core.tensor;

import io.fogline.core.error.InferenceException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Tensor element types of the Open Inference Protocol, with their size on the wire. */
public enum DataType {
    BOOL(1),
    UINT8(1),
    UINT16(2),
    UINT32(4),
    UINT64(8),
    INT8(1),
    INT16(2),
    INT32(4),
    INT64(8),
    FP16(2),
    BF16(2),
    FP32(4),
    FP64(8),
    /** Variable-length elements, each a 4-byte little-endian length followed by that many bytes. */
    BYTES(-1);

    private static final String NAMES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    private final int byteSize;

    DataType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element, or -1 for {@link #BYTES}. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFixedSize() {
        return byteSize > 0;
    }

    public static DataType parse(String wireName, String tensorName) {
        if (wireName == null) {
            throw InferenceException.invalid("tensor '" + tensorName + "': missing datatype");
        }
        try {
            return valueOf(wireName);
        } catch (IllegalArgumentException e) {
            throw InferenceException.invalid(
                    "tensor '" + tensorName + "': unsupported datatype '" + wireName + "', expected one of " + NAMES);
        }
    }
}
