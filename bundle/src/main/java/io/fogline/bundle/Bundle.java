package io.fogline.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A {@code .fbundle} file whose structure and contents were checked: safe entry names, no links, no duplicates,
 * nothing unlisted, every listed file present with the manifest's size and SHA-256, all within the limits. Its
 * signature is checked separately by {@link BundleVerifier}, against the trust store of whoever reads it.
 */
public final class Bundle {

    private final Path path;
    private final byte[] manifestBytes;
    private final byte[] signatureBytes;
    private final Manifest manifest;

    private Bundle(Path path, byte[] manifestBytes, byte[] signatureBytes, Manifest manifest) {
        this.path = path;
        this.manifestBytes = manifestBytes;
        this.signatureBytes = signatureBytes;
        this.manifest = manifest;
    }

    public static Bundle open(Path path) throws IOException, BundleException {
        return open(path, BundleLimits.DEFAULT);
    }

    public static Bundle open(Path path, BundleLimits limits) throws IOException, BundleException {
        List<ZipDirectory.Entry> entries = ZipDirectory.read(path, limits);
        try (ZipFile zip = new ZipFile(path.toFile())) {
            byte[] manifestBytes = metadata(zip, Manifest.FILE_NAME, limits)
                    .orElseThrow(() -> new BundleException(
                            Refusal.MISSING_MANIFEST, path.getFileName() + " has no manifest.json"));
            byte[] signatureBytes =
                    metadata(zip, BundleSignature.FILE_NAME, limits).orElse(null);
            Manifest manifest = Manifest.parse(manifestBytes);
            limits.check(manifest);
            Set<String> listed = new HashSet<>(List.of(Manifest.FILE_NAME, BundleSignature.FILE_NAME));
            manifest.files().forEach(file -> listed.add(file.path()));
            for (ZipDirectory.Entry entry : entries) {
                if (!listed.contains(entry.name())) {
                    throw new BundleException(
                            Refusal.UNLISTED_ENTRY, "archive entry '" + entry.name() + "' is not in the manifest");
                }
            }
            for (ManifestFile file : manifest.files()) {
                copyChecked(zip, file, OutputStream.nullOutputStream());
            }
            return new Bundle(path, manifestBytes, signatureBytes, manifest);
        } catch (ZipException e) {
            throw new BundleException(Refusal.MALFORMED_ARCHIVE, "archive cannot be read: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The bundle's digest: the SHA-256 of manifest.json's bytes. */
    public String digest() {
        return Sha256.of(manifestBytes);
    }

    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    /** signature.json's bytes; empty for a bundle packed without a key and not yet signed. */
    public Optional<byte[]> signatureBytes() {
        return Optional.ofNullable(signatureBytes).map(byte[]::clone);
    }

    /**
     * Copies one listed file out of the archive, checking its size and SHA-256 against the manifest on the way;
     * the bytes reach {@code out} before the check at the end, so callers write to a staging place.
     */
    void copyFile(ManifestFile file, OutputStream out) throws IOException, BundleException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            copyChecked(zip, file, out);
        } catch (ZipException e) {
            throw new BundleException(Refusal.MALFORMED_ARCHIVE, "archive cannot be read: " + e.getMessage(), e);
        }
    }

    private static void copyChecked(ZipFile zip, ManifestFile file, OutputStream out)
            throws IOException, BundleException {
        ZipEntry entry = zip.getEntry(file.path());
        if (entry == null) {
            throw new BundleException(Refusal.MISSING_FILE, "'" + file.path() + "' is listed but not in the archive");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            FileCheck.copy(in, out, file);
        } catch (ZipException | java.io.EOFException e) {
            throw new BundleException(
                    Refusal.SIZE_MISMATCH, "'" + file.path() + "' cannot be inflated whole: " + e.getMessage(), e);
        }
    }

    private static Optional<byte[]> metadata(ZipFile zip, String name, BundleLimits limits)
            throws IOException, BundleException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            return Optional.empty();
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(limits.maxManifestBytes() + 1);
            if (bytes.length > limits.maxManifestBytes()) {
                throw new BundleException(
                        Refusal.OVERSIZE, name + " is over the limit of " + limits.maxManifestBytes() + " bytes");
            }
            return Optional.of(bytes);
        }
    }
}
