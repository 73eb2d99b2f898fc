package io.fogline.federated;

/** The views {@link UpdateSet#subset} and {@link UpdateSet#scaled} return. */
final class UpdateViews {

    private UpdateViews() {}

    record Subset(UpdateSet source, int[] indices) implements UpdateSet {

        Subset {
            for (int index : indices) {
                if (index < 0 || index >= source.size()) {
                    throw new IllegalArgumentException("update " + index + " is outside a set of " + source.size());
                }
            }
        }

        @Override
        public int size() {
            return indices.length;
        }

        @Override
        public int dimension() {
            return source.dimension();
        }

        @Override
        public String client(int update) {
            return source.client(indices[update]);
        }

        @Override
        public long exampleCount(int update) {
            return source.exampleCount(indices[update]);
        }

        @Override
        public void read(int update, int from, int length, float[] into, int offset) {
            source.read(indices[update], from, length, into, offset);
        }
    }

    record Scaled(UpdateSet source, double[] factors) implements UpdateSet {

        Scaled {
            if (factors.length != source.size()) {
                throw new IllegalArgumentException(factors.length + " factors for " + source.size() + " updates");
            }
        }

        @Override
        public int size() {
            return source.size();
        }

        @Override
        public int dimension() {
            return source.dimension();
        }

        @Override
        public String client(int update) {
            return source.client(update);
        }

        @Override
        public long exampleCount(int update) {
            return source.exampleCount(update);
        }

        @Override
        public void read(int update, int from, int length, float[] into, int offset) {
            source.read(update, from, length, into, offset);
            double factor = factors[update];
            if (factor != 1) {
                float f = (float) factor;
                for (int k = offset; k < offset + length; k++) {
                    into[k] *= f;
                }
            }
        }
    }
}
