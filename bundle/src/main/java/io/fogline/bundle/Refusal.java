package io.fogline.bundle;

import java.util.Locale;

/** Why a bundle, a key or a trust store was refused; {@link #code()} is the name reports and logs carry. */
public enum Refusal {
    /** The file is not a readable zip archive, or uses a zip feature bundles do not allow. */
    MALFORMED_ARCHIVE,
    /** manifest.json is absent. */
    MISSING_MANIFEST,
    /** signature.json is absent: the bundle was packed but never signed. */
    MISSING_SIGNATURE,
    /** manifest.json is not a valid manifest. */
    MALFORMED_MANIFEST,
    /** manifest.json is valid JSON but not in its canonical form, so its digest would be ambiguous. */
    NON_CANONICAL_MANIFEST,
    /** The manifest's format number is one this build does not know. */
    UNSUPPORTED_FORMAT,
    /** signature.json is not a valid signature document. */
    MALFORMED_SIGNATURE,
    /** The signature uses an algorithm other than Ed25519. */
    UNSUPPORTED_ALGORITHM,
    /** The signing key is not in the trust store. */
    UNKNOWN_KEY,
    /** The signing key was retired and its cut-off has passed. */
    RETIRED_KEY,
    /** The signature does not match the manifest bytes and the key. */
    BAD_SIGNATURE,
    /** The signing key is revoked by the key list the node follows. */
    REVOKED_KEY,
    /** A key list that is not a valid signed key list. */
    MALFORMED_KEY_LIST,
    /** A key list older than, or as old as but other than, the one the node follows: a rollback. */
    STALE_KEY_LIST,
    /** A path that is absolute, climbs out with {@code ..}, or is otherwise not a plain relative path. */
    UNSAFE_PATH,
    /** A symbolic link or another entry that is not a regular file. */
    LINK_ENTRY,
    /** The same path appears twice. */
    DUPLICATE_ENTRY,
    /** An archive entry the manifest does not list. */
    UNLISTED_ENTRY,
    /** A file the manifest lists is absent. */
    MISSING_FILE,
    /** A file's length differs from the manifest's size: truncated or padded. */
    SIZE_MISMATCH,
    /** A file's SHA-256 differs from the manifest's: its bytes were changed. */
    DIGEST_MISMATCH,
    /** A file, the whole bundle or the number of files is over the limits. */
    OVERSIZE,
    /** Entries compress implausibly well or overlap: the shape of a zip bomb. */
    ZIP_BOMB;

    /** The lowercase name, e.g. {@code unknown_key}: the prefix of a failed report's reason. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
