package io.fogline.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds bundles for tests, and hostile variants of them by rewriting or patching the zip. */
final class TestBundles {

    static final Instant CREATED = Instant.parse("2026-11-23T14:00:00Z");

    private TestBundles() {}

    /** A model directory with the files a bundle holds (the bundle format does not look inside them). */
    static Path modelDirectory(Path parent) throws IOException {
        Path directory = Files.createDirectories(parent.resolve("model"));
        byte[] weights = new byte[50_000];
        new java.util.Random(7).nextBytes(weights);
        Files.write(directory.resolve("model.onnx"), weights);
        Files.writeString(directory.resolve("config.json"), "{\"max_batch_size\":8}");
        Files.writeString(directory.resolve("labels.txt"), "cat\ndog\n");
        Files.writeString(directory.resolve("golden.json"), "{\"tolerance\":{\"absolute\":0.001},\"cases\":[]}");
        Files.writeString(directory.resolve("reference-stats.json"), "{\"inputs\":{},\"outputs\":{}}");
        return directory;
    }

    static Path pack(Path parent, SigningKey key) throws IOException, BundleException {
        Path out = parent.resolve("fashion-3.fbundle");
        BundleWriter.pack(modelDirectory(parent), "fashion", 3, CREATED, Optional.ofNullable(key), out);
        return out;
    }

    /** All entries of a zip, in order, with their bytes. */
    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                entries.put(entry.getName(), file.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    /** Writes a zip of exactly these entries, in order. */
    static Path zip(Path out, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
            }
        }
        return out;
    }

    /** A copy of {@code bundle} with some entries replaced or added. */
    static Path rewrite(Path bundle, Path out, Map<String, byte[]> changes) throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        entries.putAll(changes);
        return zip(out, entries);
    }

    /** Replaces every occurrence of one byte string by another of the same length. */
    static void replaceBytes(Path file, String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] a = from.getBytes(StandardCharsets.UTF_8);
        byte[] b = to.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + a.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + a.length, a, 0, a.length)) {
                System.arraycopy(b, 0, bytes, i, b.length);
            }
        }
        Files.write(file, bytes);
    }

    /** Marks an entry as made on Unix with the given mode (e.g. 0120777 for a symbolic link). */
    static void setUnixMode(Path zip, String name, int mode) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = centralEntry(bytes, name);
        buffer.putShort(at + 4, (short) (3 << 8 | 20));
        buffer.putInt(at + 38, mode << 16);
        Files.write(zip, bytes);
    }

    /** Points an entry's central record at another entry's data. */
    static void shareData(Path zip, String name, String dataOf) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(centralEntry(bytes, name) + 42, buffer.getInt(centralEntry(bytes, dataOf) + 42));
        Files.write(zip, bytes);
    }

    private static int centralEntry(byte[] bytes, String name) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 46 < bytes.length; at++) {
            if (buffer.getInt(at) == 0x02014b50
                    && Short.toUnsignedInt(buffer.getShort(at + 28)) == wanted.length
                    && java.util.Arrays.equals(bytes, at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
                return at;
            }
        }
        throw new IllegalArgumentException("no central entry " + name);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
