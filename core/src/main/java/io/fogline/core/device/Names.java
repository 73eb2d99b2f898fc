package io.fogline.core.device;

import java.util.regex.Pattern;

/** The names the protocol allows for devices, groups, label keys and models, and the form of a SHA-256 digest. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private Names() {}

    public static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /**
     * A name (letters, digits, '.', '_', '-', at most 128 characters, never starting with a punctuation mark), so it can
     * name a directory of a model repository safely; null passes.
     *
     * @throws IllegalArgumentException naming {@code field}
     */
    public static String checkName(String value, String field) {
        if (value != null && !isName(value)) {
            throw new IllegalArgumentException(
                    "'" + field + "' must be 1 to 128 letters, digits, '.', '_' or '-', got '" + value + "'");
        }
        return value;
    }

    /** Lowercase hex SHA-256. */
    public static boolean isDigest(String value) {
        return value != null && DIGEST.matcher(value).matches();
    }

    static String checkDigest(String value, String field) {
        if (!isDigest(value)) {
            throw new IllegalArgumentException("'" + field + "' must be a lowercase hex SHA-256, got '" + value + "'");
        }
        return value;
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return value;
    }

    static long atLeastOne(Long value, String field) {
        if (required(value, field) < 1) {
            throw new IllegalArgumentException("'" + field + "' must be at least 1, got " + value);
        }
        return value;
    }
}
