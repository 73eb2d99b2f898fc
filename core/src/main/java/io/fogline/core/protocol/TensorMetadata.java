package io.fogline.core.protocol;

import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;

/** A model's declared input or output; -1 in the shape marks a dimension of any size. */
public record TensorMetadata(String name, DataType datatype, long[] shape) {

    public TensorMetadata {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorMetadata that
                && name.equals(that.name)
                && datatype == that.datatype
                && java.util.Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + datatype + Shapes.format(shape);
    }
}
