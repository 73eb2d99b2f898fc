package io.fogline.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Matches a stream's bytes to what the manifest says of the file: its size, then its SHA-256. */
final class FileCheck {

    private FileCheck() {}

    static void copy(InputStream in, OutputStream out, ManifestFile file) throws IOException, BundleException {
        Sha256.Copied copied = Sha256.copy(in, out, file.size());
        if (copied.overLimit()) {
            throw new BundleException(
                    Refusal.SIZE_MISMATCH,
                    "'" + file.path() + "' is longer than the manifest's " + file.size() + " bytes");
        }
        if (copied.bytes() != file.size()) {
            throw new BundleException(
                    Refusal.SIZE_MISMATCH,
                    "'" + file.path() + "' is " + copied.bytes() + " bytes, the manifest says " + file.size());
        }
        if (!copied.sha256().equals(file.sha256())) {
            throw new BundleException(
                    Refusal.DIGEST_MISMATCH,
                    "'" + file.path() + "' has SHA-256 " + copied.sha256() + ", the manifest says " + file.sha256());
        }
    }
}
