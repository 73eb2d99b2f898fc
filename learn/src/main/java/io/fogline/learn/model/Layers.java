package io.fogline.learn.model;

/** Shape arithmetic shared by the layers. */
final class Layers {

    private Layers() {}

    static int size(int[] shape) {
        int size = 1;
        for (int dimension : shape) {
            size = Math.multiplyExact(size, dimension);
        }
        return size;
    }
}
