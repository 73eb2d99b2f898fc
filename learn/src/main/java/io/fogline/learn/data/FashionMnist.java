package io.fogline.learn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Zalando's Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it: 60,000 training and 10,000 test
 * images of 28×28 grey pixels in ten clothing classes. Pixels are scaled to [0, 1].
 */
public final class FashionMnist {

    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int[] SAMPLE_SHAPE = {1, 28, 28};

    private FashionMnist() {}

    /** Training and test sets from {@link #DEFAULT_DIRECTORY}. */
    public static TrainTest load() throws IOException {
        return load(DEFAULT_DIRECTORY);
    }

    public static TrainTest load(Path directory) throws IOException {
        return new TrainTest(loadPart(directory, "train"), loadPart(directory, "t10k"));
    }

    /** One part, {@code train} or {@code t10k}: the IDX files {@code <prefix>-images-idx3-ubyte[.gz]} and labels. */
    public static Dataset loadPart(Path directory, String prefix) throws IOException {
        IdxArray images = IdxReader.read(locate(directory, prefix + "-images-idx3-ubyte"));
        IdxArray labels = IdxReader.read(locate(directory, prefix + "-labels-idx1-ubyte"));
        if (!Arrays.equals(
                Arrays.copyOfRange(images.dimensions(), 1, images.dimensions().length), new int[] {28, 28})) {
            throw new IdxFormatException(prefix + " images are " + Arrays.toString(images.dimensions())
                    + ", Fashion-MNIST images are 28×28");
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException(prefix + ": " + images.count() + " images but " + labels.count() + " labels");
        }
        float[] features = new float[images.count() * images.itemSize()];
        for (int i = 0; i < features.length; i++) {
            features[i] = images.unsigned(i) / 255f;
        }
        int[] classes = new int[labels.count()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.unsigned(i);
        }
        return new Dataset(features, classes, SAMPLE_SHAPE, CLASS_NAMES);
    }

    private static Path locate(Path directory, String baseName) throws DatasetNotFoundException {
        for (String candidate : List.of(baseName + ".gz", baseName)) {
            Path file = directory.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new DatasetNotFoundException("Fashion-MNIST file " + baseName + "[.gz] not found in " + directory
                + ": `fogline datasets fetch` puts the pinned files in the user's cache, or install the Debian"
                + " package " + DEBIAN_PACKAGE + ", which puts them in " + DEFAULT_DIRECTORY);
    }
}
