package io.fogline.fetch;

import static io.fogline.fetch.TestArchives.deb;
import static io.fogline.fetch.TestArchives.entry;
import static io.fogline.fetch.TestArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fogline.fetch.PinnedDataset.PinnedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    private static final String TRAIN = "train: " + "0123456789".repeat(500);
    private static final String TEST = "test: a few bytes";

    @TempDir
    Path system;

    @TempDir
    Path cache;

    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private HttpServer mirror;
    private byte[] served;

    @AfterEach
    void stopMirror() {
        if (mirror != null) {
            mirror.stop(0);
        }
    }

    @Test
    void fetchesThePinnedPackageIntoTheCacheAndChecksEveryFile() throws IOException {
        PinnedDataset dataset = pinned(packageBytes(TRAIN, TEST));
        Datasets datasets = datasets(serving(packageBytes(TRAIN, TEST)));
        List<String> heard = new ArrayList<>();

        Datasets.Found found = datasets.resolve(dataset, null, listener(heard));

        assertThat(found.origin()).isEqualTo(Datasets.Origin.FETCHED);
        assertThat(found.directory()).isEqualTo(cache.resolve("datasets/tiny"));
        assertThat(found.directory().resolve("train.gz")).hasContent(TRAIN);
        assertThat(found.directory().resolve("t10k.gz")).hasContent(TEST);
        assertThat(heard.getFirst()).startsWith("downloading " + mirrorUri() + "/pool/main/t/tiny/tiny_1_all.deb");
        assertThat(heard.getLast()).isEqualTo("installed tiny");
        assertThat(Datasets.damaged(dataset, found.directory())).isEmpty();
        // The package is gone once its files are in place; only the lock file stays.
        assertThat(listing(cache.resolve("downloads"))).containsExactly("tiny.lock");
    }

    @Test
    void looksInTheSystemFolderThenTheCacheBeforeFetching() throws IOException {
        PinnedDataset dataset = pinned(packageBytes(TRAIN, TEST));
        Datasets datasets = datasets(URI.create("http://127.0.0.1:1"));
        install(cache.resolve("datasets/tiny"));

        assertThat(datasets.resolve(dataset, null, DownloadListener.SILENT))
                .isEqualTo(new Datasets.Found(cache.resolve("datasets/tiny"), Datasets.Origin.CACHE));

        install(system.resolve("tiny"));
        assertThat(datasets.resolve(dataset, null, DownloadListener.SILENT))
                .isEqualTo(new Datasets.Found(system.resolve("tiny"), Datasets.Origin.SYSTEM));

        Path given = system.resolve("elsewhere");
        assertThat(datasets.resolve(dataset, given, DownloadListener.SILENT))
                .isEqualTo(new Datasets.Found(given, Datasets.Origin.GIVEN));
    }

    @Test
    void aFolderWithAFileCutShortIsPassedOver() throws IOException {
        PinnedDataset dataset = pinned(packageBytes(TRAIN, TEST));
        install(system.resolve("tiny"));
        Files.writeString(system.resolve("tiny/train.gz"), TRAIN.substring(1));

        assertThat(datasets(URI.create("http://127.0.0.1:1")).find(dataset)).isEmpty();
    }

    @Test
    void resumesADownloadThatBrokeOff() throws IOException {
        byte[] whole = packageBytes(TRAIN, TEST);
        PinnedDataset dataset = pinned(whole);
        Datasets datasets = datasets(serving(whole));
        Files.createDirectories(cache.resolve("downloads"));
        Files.write(cache.resolve("downloads/tiny_1_all.deb.part"), Arrays.copyOf(whole, 100));

        datasets.fetch(dataset, DownloadListener.SILENT);

        assertThat(ranges).containsExactly("bytes=100-");
        assertThat(cache.resolve("datasets/tiny/train.gz")).hasContent(TRAIN);
    }

    @Test
    void refusesAPackageThatDiffersFromItsPinAndKeepsNothingOfIt() throws IOException {
        PinnedDataset dataset = pinned(packageBytes(TRAIN, TEST));
        Datasets datasets = datasets(serving(packageBytes(TRAIN, TEST + "!")));

        assertThatThrownBy(() -> datasets.fetch(dataset, DownloadListener.SILENT))
                .isInstanceOf(DatasetFetchException.class)
                .hasMessageContaining("refusing it")
                .hasMessageContaining("Run `fogline datasets fetch`");
        assertThat(cache.resolve("datasets/tiny")).doesNotExist();
        assertThat(listing(cache.resolve("downloads"))).containsExactly("tiny.lock");
        assertThat(listing(cache.resolve("datasets"))).isEmpty();
    }

    @Test
    void refusesAFileInsideThePackageThatDiffersFromItsPin() throws IOException {
        byte[] whole = packageBytes(TRAIN, TEST);
        PinnedDataset honest = pinned(whole);
        List<PinnedFile> files = new ArrayList<>(honest.files());
        files.set(1, new PinnedFile("t10k.gz", TEST.length(), "0".repeat(64)));
        PinnedDataset dataset = new PinnedDataset("tiny", "Tiny", honest.source(), honest.directoryInPackage(), files);

        assertThatThrownBy(() -> datasets(serving(whole)).fetch(dataset, DownloadListener.SILENT))
                .isInstanceOf(DatasetFetchException.class)
                .hasMessageContaining("t10k.gz in tiny 1 has sha256 ");
        assertThat(listing(cache.resolve("datasets"))).isEmpty();
    }

    @Test
    void anUnreachableMirrorIsOneLineSayingWhereItLookedAndWhatToRun() {
        PinnedDataset dataset = pinned(packageBytes(TRAIN, TEST));
        Datasets datasets = datasets(URI.create("http://127.0.0.1:1"));

        assertThatThrownBy(() -> datasets.resolve(dataset, null, DownloadListener.SILENT))
                .isInstanceOf(DatasetFetchException.class)
                .hasMessageStartingWith("Tiny is in neither " + system.resolve("tiny") + " nor "
                        + cache.resolve("datasets/tiny") + ", and fetching it failed: cannot reach"
                        + " http://127.0.0.1:1/pool/main/t/tiny/tiny_1_all.deb")
                .hasMessageEndingWith("Run `fogline datasets fetch` once http://127.0.0.1:1 answers"
                        + " (FOGLINE_DEBIAN_MIRROR names another Debian mirror, FOGLINE_CACHE_DIR another cache), or"
                        + " install Debian's tiny")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aCacheThatCannotBeMadeIsNamed() throws IOException {
        Path file = Files.writeString(cache.resolve("not-a-folder"), "x");
        Datasets datasets =
                new Datasets(new Datasets.Locations(system, file.resolve("fogline"), URI.create("http://127.0.0.1:1")));

        assertThatThrownBy(() -> datasets.fetch(pinned(packageBytes(TRAIN, TEST)), DownloadListener.SILENT))
                .isInstanceOf(DatasetFetchException.class)
                .hasMessageContaining("fetching it failed: cannot make the cache folder " + file.resolve("fogline")
                        + "/downloads (Not a directory: " + file.resolve("fogline") + ")");
    }

    @Test
    void theCacheFollowsTheXdgConventionUnlessFoglineNamesOne() {
        Path home = Path.of("/home/ana");
        assertThat(Datasets.Locations.of(Map.of(), home))
                .isEqualTo(new Datasets.Locations(
                        Path.of("/usr/share/datasets"), Path.of("/home/ana/.cache/fogline"), Datasets.DEBIAN_MIRROR));
        assertThat(Datasets.Locations.of(Map.of("XDG_CACHE_HOME", "/var/cache/ana"), home)
                        .cacheRoot())
                .isEqualTo(Path.of("/var/cache/ana/fogline"));
        // The XDG specification ignores a relative path.
        assertThat(Datasets.Locations.of(Map.of("XDG_CACHE_HOME", "relative"), home)
                        .cacheRoot())
                .isEqualTo(Path.of("/home/ana/.cache/fogline"));
        assertThat(Datasets.Locations.of(
                        Map.of(
                                "XDG_CACHE_HOME", "/var/cache/ana",
                                "FOGLINE_CACHE_DIR", "/srv/fogline",
                                "FOGLINE_DATASETS_DIR", "/empty",
                                "FOGLINE_DEBIAN_MIRROR", "http://mirror.example/debian"),
                        home))
                .isEqualTo(new Datasets.Locations(
                        Path.of("/empty"), Path.of("/srv/fogline"), URI.create("http://mirror.example/debian")));
    }

    @Test
    void fetchesRealFashionMnistFromDebiansMirrorAsPinned() throws IOException {
        Datasets datasets = new Datasets(new Datasets.Locations(system, cache, Datasets.DEBIAN_MIRROR));

        Path directory = datasets.fetch(DatasetCatalog.FASHION_MNIST, DownloadListener.SILENT);

        assertThat(Datasets.damaged(DatasetCatalog.FASHION_MNIST, directory)).isEmpty();
        assertThat(listing(directory))
                .containsExactlyInAnyOrder(
                        "train-images-idx3-ubyte.gz",
                        "train-labels-idx1-ubyte.gz",
                        "t10k-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz");
    }

    private Datasets datasets(URI mirrorUri) {
        return new Datasets(new Datasets.Locations(system, cache, mirrorUri));
    }

    private static byte[] packageBytes(String train, String test) {
        return deb(tar(
                entry("./usr/share/doc/tiny/copyright", "CC", ""),
                entry("./usr/share/datasets/tiny/train.gz", train, ""),
                entry("./usr/share/datasets/tiny/t10k.gz", test, "")));
    }

    private static PinnedDataset pinned(byte[] packageBytes) {
        return new PinnedDataset(
                "tiny",
                "Tiny",
                new DebianPackage(
                        "tiny", "1", "pool/main/t/tiny/tiny_1_all.deb", sha256(packageBytes), packageBytes.length),
                "usr/share/datasets/tiny",
                List.of(
                        new PinnedFile("train.gz", TRAIN.length(), sha256(TRAIN.getBytes(StandardCharsets.UTF_8))),
                        new PinnedFile("t10k.gz", TEST.length(), sha256(TEST.getBytes(StandardCharsets.UTF_8)))));
    }

    private static void install(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("train.gz"), TRAIN);
        Files.writeString(directory.resolve("t10k.gz"), TEST);
    }

    /** A mirror on 127.0.0.1 that serves {@code bytes} at every path and honours a {@code Range: bytes=N-}. */
    private URI serving(byte[] bytes) throws IOException {
        served = bytes;
        mirror = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mirror.createContext("/", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            int from = 0;
            if (range != null) {
                ranges.add(range);
                from = Integer.parseInt(range.replaceAll("bytes=([0-9]+)-", "$1"));
            }
            exchange.sendResponseHeaders(range == null ? 200 : 206, served.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(served, from, served.length - from);
            }
        });
        mirror.start();
        return mirrorUri();
    }

    private URI mirrorUri() {
        return URI.create("http://127.0.0.1:" + mirror.getAddress().getPort());
    }

    private static DownloadListener listener(List<String> heard) {
        return new DownloadListener() {
            @Override
            public void downloading(URI from, long bytes, long resumedAt) {
                heard.add("downloading " + from + " " + bytes + " from " + resumedAt);
            }

            @Override
            public void installed(PinnedDataset dataset, Path directory) {
                heard.add("installed " + dataset.name());
            }
        };
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
