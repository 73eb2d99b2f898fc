package io.fogline.bundle;

import java.time.Clock;
import java.time.Instant;

/** Checks a manifest's signature against a trust store and its contents against the limits. */
public final class BundleVerifier {

    private final TrustStore trust;
    private final Clock clock;
    private final BundleLimits limits;

    public BundleVerifier(TrustStore trust, Clock clock, BundleLimits limits) {
        this.trust = trust;
        this.clock = clock;
        this.limits = limits;
    }

    public BundleVerifier(TrustStore trust) {
        this(trust, Clock.systemUTC(), BundleLimits.DEFAULT);
    }

    /** Verifies an opened bundle file (whose files {@link Bundle#open} already matched to the manifest). */
    public VerifiedManifest verify(Bundle bundle) throws BundleException {
        byte[] signature = bundle.signatureBytes()
                .orElseThrow(() -> new BundleException(
                        Refusal.MISSING_SIGNATURE,
                        bundle.path().getFileName() + " has no signature.json: sign it first"));
        return verify(bundle.manifestBytes(), signature);
    }

    /**
     * Verifies manifest and signature bytes as served by the control plane; the files they list are checked when
     * they are unpacked.
     */
    public VerifiedManifest verify(byte[] manifestBytes, byte[] signatureBytes) throws BundleException {
        if (manifestBytes.length > limits.maxManifestBytes()) {
            throw new BundleException(
                    Refusal.OVERSIZE,
                    "manifest.json is " + manifestBytes.length + " bytes, over the limit of "
                            + limits.maxManifestBytes());
        }
        BundleSignature signature = BundleSignature.parse(signatureBytes);
        if (!signature.algorithm().equals(Ed25519.ALGORITHM)) {
            throw new BundleException(
                    Refusal.UNSUPPORTED_ALGORITHM,
                    "signature algorithm '" + signature.algorithm() + "' is not Ed25519");
        }
        if (trust.isRevoked(signature.keyId())) {
            throw new BundleException(
                    Refusal.REVOKED_KEY, "signature by key '" + signature.keyId() + "', revoked by the key list");
        }
        TrustedKey key = trust.find(signature.keyId())
                .orElseThrow(() -> new BundleException(
                        Refusal.UNKNOWN_KEY, "signature by unknown key '" + signature.keyId() + "'"));
        Instant now = clock.instant();
        if (key.isRetiredAt(now)) {
            throw new BundleException(
                    Refusal.RETIRED_KEY,
                    "signature by key '" + key.keyId() + "', retired after "
                            + key.retiredAfter().orElseThrow());
        }
        if (!Ed25519.verify(key.publicKey(), manifestBytes, signature.signature())) {
            throw new BundleException(
                    Refusal.BAD_SIGNATURE, "signature by key '" + key.keyId() + "' does not match manifest.json");
        }
        Manifest manifest = Manifest.parse(manifestBytes);
        limits.check(manifest);
        return new VerifiedManifest(manifest, manifestBytes, signature);
    }
}
