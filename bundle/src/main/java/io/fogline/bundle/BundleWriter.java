package io.fogline.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a directory into a {@code .fbundle} and signs bundles. Output is written to a temporary file and renamed,
 * and entries carry a fixed timestamp, so the same content packs to the same bytes.
 */
public final class BundleWriter {

    public static final String GOLDEN = "golden.json";
    public static final String REFERENCE_STATS = "reference-stats.json";

    private static final long FIXED_ENTRY_TIME =
            Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    private BundleWriter() {}

    /**
     * Packs every regular file under {@code directory} (which must hold golden.json and reference-stats.json), and
     * signs the manifest when a key is given.
     */
    public static Manifest pack(
            Path directory, String model, long version, Instant created, Optional<SigningKey> key, Path out)
            throws IOException, BundleException {
        Map<String, Path> sources = new LinkedHashMap<>();
        List<ManifestFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isSymbolicLink(file)) {
                    throw new BundleException(
                            Refusal.LINK_ENTRY, file + " is a symbolic link; bundles hold files only");
                }
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    String path = directory
                            .relativize(file)
                            .toString()
                            .replace(file.getFileSystem().getSeparator(), "/");
                    sources.put(path, file);
                    files.add(new ManifestFile(path, Sha256.of(file), Files.size(file)));
                }
            }
        }
        Manifest manifest = Manifest.of(model, version, created, files, GOLDEN, REFERENCE_STATS);
        BundleLimits.DEFAULT.check(manifest);
        byte[] manifestBytes = manifest.toCanonicalBytes();
        Optional<BundleSignature> signature = key.map(k -> k.sign(manifestBytes));
        write(out, manifestBytes, signature, (file, zip) -> Files.copy(sources.get(file.path()), zip), manifest);
        return manifest;
    }

    /** Signs a packed bundle with {@code key}, replacing any signature it had; returns the new signature. */
    public static BundleSignature sign(Path bundleFile, SigningKey key) throws IOException, BundleException {
        Bundle bundle = Bundle.open(bundleFile);
        BundleSignature signature = key.sign(bundle.manifestBytes());
        write(
                bundleFile,
                bundle.manifestBytes(),
                Optional.of(signature),
                (file, zip) -> {
                    try {
                        bundle.copyFile(file, zip);
                    } catch (BundleException e) {
                        throw new IOException(bundleFile + " changed while it was signed: " + e.getMessage(), e);
                    }
                },
                bundle.manifest());
        return signature;
    }

    private interface Content {
        void copy(ManifestFile file, OutputStream zip) throws IOException;
    }

    private static void write(
            Path out, byte[] manifestBytes, Optional<BundleSignature> signature, Content content, Manifest manifest)
            throws IOException {
        Path directory = out.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + out.getFileName(), ".tmp");
        try {
            try (ZipOutputStream zip =
                    new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
                putEntry(zip, Manifest.FILE_NAME);
                zip.write(manifestBytes);
                if (signature.isPresent()) {
                    putEntry(zip, BundleSignature.FILE_NAME);
                    zip.write(signature.get().toJsonBytes());
                }
                for (ManifestFile file : manifest.files()) {
                    putEntry(zip, file.path());
                    content.copy(file, zip);
                }
            }
            Files.move(temporary, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void putEntry(ZipOutputStream zip, String name) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(FIXED_ENTRY_TIME);
        zip.putNextEntry(entry);
    }
}
