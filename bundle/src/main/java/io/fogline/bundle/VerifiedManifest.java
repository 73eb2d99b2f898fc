package io.fogline.bundle;

/**
 * A manifest whose signature checked out against a trusted, unretired key; only {@link BundleVerifier} makes one,
 * and only a verified manifest can be unpacked.
 */
public final class VerifiedManifest {

    private final Manifest manifest;
    private final byte[] manifestBytes;
    private final BundleSignature signature;

    VerifiedManifest(Manifest manifest, byte[] manifestBytes, BundleSignature signature) {
        this.manifest = manifest;
        this.manifestBytes = manifestBytes.clone();
        this.signature = signature;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The bundle's digest: the SHA-256 of the manifest bytes. */
    public String digest() {
        return Sha256.of(manifestBytes);
    }

    public String keyId() {
        return signature.keyId();
    }

    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    public byte[] signatureBytes() {
        return signature.toJsonBytes();
    }
}
