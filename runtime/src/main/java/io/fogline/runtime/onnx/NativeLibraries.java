package io.fogline.runtime.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Unpacks ONNX Runtime's native libraries once into a cache directory and points ONNX Runtime at it. Left to
 * itself, ONNX Runtime copies 28 MB into a new temporary folder at every start and leaves the folder behind.
 */
final class NativeLibraries {

    private static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");
    private static final System.Logger LOG = System.getLogger(NativeLibraries.class.getName());

    private NativeLibraries() {}

    /** Sets {@code onnxruntime.native.path} unless it is set, the platform is not Linux, or the cache is unusable. */
    static void install() {
        String platform = platform();
        if (System.getProperty(PATH_PROPERTY) != null || platform == null) {
            return;
        }
        try {
            Path directory = cacheRoot().resolve("onnxruntime-" + ortVersion() + "-" + platform);
            if (!Files.isDirectory(directory)) {
                unpack(platform, directory);
            }
            System.setProperty(PATH_PROPERTY, directory.toString());
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime unpacks its own libraries: {0}", e.toString());
        }
    }

    /** Unpacks into a private folder, then renames it into place, so a concurrent start never sees half a copy. */
    private static void unpack(String platform, Path directory) throws IOException {
        Files.createDirectories(directory.getParent());
        Path staging = Files.createTempDirectory(directory.getParent(), ".unpacking-");
        try {
            for (String library : LIBRARIES) {
                String resource = "/ai/onnxruntime/native/" + platform + "/" + library;
                try (InputStream in = NativeLibraries.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("no " + resource + " on the class path");
                    }
                    Files.copy(in, staging.resolve(library));
                }
            }
            try {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another process won the race; its copy is as good as ours.
            }
        } finally {
            if (Files.exists(staging)) {
                try (Stream<Path> files = Files.walk(staging)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fogline");
    }

    private static String ortVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = NativeLibraries.class.getResourceAsStream("onnxruntime.properties")) {
            if (in == null) {
                throw new IOException("onnxruntime.properties is missing from the runtime jar");
            }
            properties.load(in);
        }
        return properties.getProperty("version");
    }
}
