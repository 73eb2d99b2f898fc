package io.fogline.bundle;

/** One file a manifest lists: its path in the bundle, its SHA-256 (lowercase hex) and its size in bytes. */
public record ManifestFile(String path, String sha256, long size) {

    public ManifestFile {
        if (!Sha256.isDigest(sha256)) {
            throw new IllegalArgumentException("sha256 of " + path + " is not 64 lowercase hex digits");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size of " + path + " is negative");
        }
    }
}
