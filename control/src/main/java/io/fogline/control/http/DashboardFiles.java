package io.fogline.control.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's static files, which the Maven build puts into the jar under {@value #ROOT} with a list of them in
 * {@code files.txt}. They are read once; each carries its content type and a strong ETag over its bytes.
 */
final class DashboardFiles {

    static final String ROOT = "io/fogline/control/dashboard/";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "txt", "text/plain; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    /** One file: its bytes, its content type and its ETag. */
    record File(byte[] bytes, String type, String etag) {}

    private final Map<String, File> files;

    private DashboardFiles(Map<String, File> files) {
        this.files = files;
    }

    /** The files in the jar; none when the jar was built without the dashboard (the server then answers 404). */
    static DashboardFiles load() {
        ClassLoader loader = DashboardFiles.class.getClassLoader();
        Map<String, File> files = new LinkedHashMap<>();
        byte[] list = read(loader, "files.txt");
        if (list != null) {
            for (String name : new String(list, StandardCharsets.UTF_8).split("\n")) {
                if (!name.isBlank()) {
                    byte[] bytes = read(loader, name.strip());
                    if (bytes == null) {
                        throw new IllegalStateException("dashboard file '" + name + "' is listed but missing");
                    }
                    files.put(name.strip(), new File(bytes, typeOf(name.strip()), etagOf(bytes)));
                }
            }
        }
        return new DashboardFiles(Map.copyOf(files));
    }

    Optional<File> find(String name) {
        return Optional.ofNullable(files.get(name));
    }

    private static String typeOf(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static String etagOf(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
