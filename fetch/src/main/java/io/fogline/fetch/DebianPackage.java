package io.fogline.fetch;

import java.net.URI;

/**
 * A Debian binary package pinned by its path in the archive's pool and its SHA-256. It is fetched over plain HTTP from
 * any Debian mirror, with no apt and no root: the pinned digest, not the transport, vouches for the bytes.
 *
 * @param poolPath the package's path under a mirror's root, e.g. {@code pool/main/d/dataset-fashion-mnist/...deb}
 */
public record DebianPackage(String name, String version, String poolPath, String sha256, long bytes) {

    public URI uri(URI mirror) {
        return URI.create(mirror.toString().replaceAll("/+$", "") + "/" + poolPath);
    }

    String fileName() {
        return poolPath.substring(poolPath.lastIndexOf('/') + 1);
    }

    /** How progress lines and errors name it, e.g. {@code dataset-fashion-mnist 0.0~git20200523.55506a9-1}. */
    public String describe() {
        return name + " " + version;
    }
}
