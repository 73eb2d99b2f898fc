package io.fogline.learn.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes examples of 28×28 grey images with [0, 1] pixels as the uncompressed IDX pair {@link FashionMnist} reads
 * ({@code <part>-images-idx3-ubyte}, {@code <part>-labels-idx1-ubyte}): how a node's own labelled examples are laid
 * out for {@code --training-data}.
 */
public final class IdxWriter {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static final int SIDE = 28;

    private IdxWriter() {}

    public static void write(Dataset examples, Path directory, String part) throws IOException {
        if (examples.featureCount() != SIDE * SIDE) {
            throw new IllegalArgumentException(
                    "IDX images here are 28×28, the examples have " + examples.featureCount() + " features");
        }
        Files.createDirectories(directory);
        try (DataOutputStream images = open(directory.resolve(part + "-images-idx3-ubyte"));
                DataOutputStream labels = open(directory.resolve(part + "-labels-idx1-ubyte"))) {
            images.writeInt(IMAGES_MAGIC);
            images.writeInt(examples.size());
            images.writeInt(SIDE);
            images.writeInt(SIDE);
            labels.writeInt(LABELS_MAGIC);
            labels.writeInt(examples.size());
            float[] features = examples.features();
            for (int k = 0; k < features.length; k++) {
                images.writeByte(Math.round(Math.clamp(features[k], 0f, 1f) * 255));
            }
            for (int label : examples.labels()) {
                labels.writeByte(label);
            }
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    }
}
