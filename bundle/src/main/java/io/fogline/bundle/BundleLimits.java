package io.fogline.bundle;

/**
 * The most a bundle may hold; anything beyond is refused as {@link Refusal#OVERSIZE} or {@link Refusal#ZIP_BOMB}
 * before it is written to disk.
 *
 * @param maxCompressionRatio how many times smaller than its content an entry over 1 MiB may be stored
 */
public record BundleLimits(
        long maxFileBytes, long maxTotalBytes, int maxFiles, int maxManifestBytes, int maxCompressionRatio) {

    /** Zip without zip64 holds under 4 GiB, which bounds a bundle anyway; an edge model is far smaller. */
    public static final BundleLimits DEFAULT = new BundleLimits(2L << 30, 3L << 30, 256, 1 << 20, 200);

    static final long RATIO_FLOOR_BYTES = 1 << 20;

    public BundleLimits {
        if (maxFileBytes <= 0
                || maxTotalBytes <= 0
                || maxFiles <= 0
                || maxManifestBytes <= 0
                || maxCompressionRatio <= 0) {
            throw new IllegalArgumentException("bundle limits must be positive");
        }
    }

    /** Checks what a manifest declares, so nothing over the limits is fetched or inflated. */
    void check(Manifest manifest) throws BundleException {
        if (manifest.files().size() > maxFiles) {
            throw new BundleException(
                    Refusal.OVERSIZE,
                    "manifest lists " + manifest.files().size() + " files, over the limit of " + maxFiles);
        }
        for (ManifestFile file : manifest.files()) {
            checkFile(file.path(), file.size());
        }
        if (manifest.totalSize() > maxTotalBytes) {
            throw new BundleException(
                    Refusal.OVERSIZE,
                    "bundle holds " + manifest.totalSize() + " bytes, over the limit of " + maxTotalBytes);
        }
    }

    void checkFile(String path, long size) throws BundleException {
        if (size > maxFileBytes) {
            throw new BundleException(
                    Refusal.OVERSIZE, "'" + path + "' is " + size + " bytes, over the limit of " + maxFileBytes);
        }
    }
}
