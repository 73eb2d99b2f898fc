package io.fogline.learn.data;

/**
 * The contents of one IDX file of unsigned bytes: its dimensions, outermost first, and its elements in row-major
 * order. Elements are kept as raw bytes; read them with {@link #unsigned(int)}.
 */
public record IdxArray(int[] dimensions, byte[] elements) {

    public IdxArray {
        dimensions = dimensions.clone();
    }

    @Override
    public int[] dimensions() {
        return dimensions.clone();
    }

    /** The size of the outermost dimension: the number of items in the file. */
    public int count() {
        return dimensions[0];
    }

    /** The number of elements in one item: the product of all dimensions but the first. */
    public int itemSize() {
        int size = 1;
        for (int d = 1; d < dimensions.length; d++) {
            size *= dimensions[d];
        }
        return size;
    }

    public int unsigned(int index) {
        return elements[index] & 0xFF;
    }
}
