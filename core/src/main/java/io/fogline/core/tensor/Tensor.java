package io.fogline.core.tensor;

import io.fogline.core.error.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A named tensor whose elements are held in the binary layout of the Open Inference Protocol's binary extension:
 * little-endian fixed-size elements, or length-prefixed elements for {@link DataType#BYTES}. One layout for the JSON
 * codec, the binary codec and the engines means a tensor is never converted twice.
 */
public final class Tensor {

    private final String name;
    private final DataType datatype;
    private final long[] shape;
    private final ByteBuffer data;

    public Tensor(String name, DataType datatype, long[] shape, ByteBuffer data) {
        this.name = name;
        this.datatype = datatype;
        this.shape = shape.clone();
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public String name() {
        return name;
    }

    public DataType datatype() {
        return datatype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long dim(int index) {
        return shape[index];
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    /** A read-only little-endian view of the elements; each call has its own position. */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int byteSize() {
        return data.remaining();
    }

    public Tensor renamed(String newName) {
        return new Tensor(newName, datatype, shape, data);
    }

    public static Tensor ofFloats(String name, long[] shape, float... values) {
        ByteBuffer buffer = allocate(values.length * 4L);
        buffer.asFloatBuffer().put(values);
        return new Tensor(name, DataType.FP32, shape, buffer);
    }

    public static Tensor ofLongs(String name, long[] shape, long... values) {
        ByteBuffer buffer = allocate(values.length * 8L);
        buffer.asLongBuffer().put(values);
        return new Tensor(name, DataType.INT64, shape, buffer);
    }

    public static Tensor ofStrings(String name, long[] shape, String... values) {
        List<byte[]> elements = new ArrayList<>(values.length);
        for (String value : values) {
            elements.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return ofBytes(name, shape, elements);
    }

    public static Tensor ofBytes(String name, long[] shape, List<byte[]> elements) {
        long size = 0;
        for (byte[] element : elements) {
            size += 4 + element.length;
        }
        ByteBuffer buffer = allocate(size);
        for (byte[] element : elements) {
            buffer.putInt(element.length).put(element);
        }
        return new Tensor(name, DataType.BYTES, shape, buffer.flip());
    }

    public float[] toFloats() {
        requireType(DataType.FP32);
        float[] values = new float[data.remaining() / 4];
        data().asFloatBuffer().get(values);
        return values;
    }

    public long[] toLongs() {
        requireType(DataType.INT64);
        long[] values = new long[data.remaining() / 8];
        data().asLongBuffer().get(values);
        return values;
    }

    /** The elements of a BYTES tensor; fails with a message naming the tensor when the layout is broken. */
    public List<byte[]> toByteElements() {
        requireType(DataType.BYTES);
        ByteBuffer view = data();
        List<byte[]> elements = new ArrayList<>();
        while (view.hasRemaining()) {
            if (view.remaining() < 4) {
                throw InferenceException.invalid("tensor '" + name + "': BYTES element length is truncated");
            }
            int length = view.getInt();
            if (length < 0 || length > view.remaining()) {
                throw InferenceException.invalid("tensor '" + name + "': BYTES element of "
                        + Integer.toUnsignedString(length) + " bytes overruns the " + view.remaining() + " bytes left");
            }
            byte[] element = new byte[length];
            view.get(element);
            elements.add(element);
        }
        return elements;
    }

    private void requireType(DataType expected) {
        if (datatype != expected) {
            throw new IllegalStateException("tensor '" + name + "' is " + datatype + ", not " + expected);
        }
    }

    /** A little-endian heap buffer of the given size, refusing sizes that do not fit a Java array. */
    public static ByteBuffer allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw InferenceException.tooLarge(
                    "a tensor of " + bytes + " bytes is larger than the 2 GiB a tensor may hold");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that
                && name.equals(that.name)
                && datatype == that.datatype
                && Arrays.equals(shape, that.shape)
                && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + datatype + Shapes.format(shape);
    }
}
