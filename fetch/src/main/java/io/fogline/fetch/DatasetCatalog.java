package io.fogline.fetch;

import io.fogline.fetch.PinnedDataset.PinnedFile;
import java.util.List;

/** The datasets Fogline trains and measures on, pinned to the Debian package that carries each. */
public final class DatasetCatalog {

    /** Zalando's Fashion-MNIST as Debian packages it: 60,000 + 10,000 images of 28×28 in big-endian IDX, gzipped. */
    public static final PinnedDataset FASHION_MNIST = new PinnedDataset(
            "fashion-mnist",
            "Fashion-MNIST",
            new DebianPackage(
                    "dataset-fashion-mnist",
                    "0.0~git20200523.55506a9-1",
                    "pool/main/d/dataset-fashion-mnist/dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
                    "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
                    30_900_652),
            "usr/share/datasets/fashion-mnist",
            List.of(
                    new PinnedFile(
                            "train-images-idx3-ubyte.gz",
                            26_421_856,
                            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                    new PinnedFile(
                            "train-labels-idx1-ubyte.gz",
                            29_491,
                            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                    new PinnedFile(
                            "t10k-images-idx3-ubyte.gz",
                            4_422_079,
                            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                    new PinnedFile(
                            "t10k-labels-idx1-ubyte.gz",
                            5_125,
                            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")));

    private DatasetCatalog() {}
}
