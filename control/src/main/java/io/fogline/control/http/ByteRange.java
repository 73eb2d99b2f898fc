package io.fogline.control.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A single {@code Range: bytes=N-} or {@code bytes=N-M} of a file of known size; null when it cannot be served. */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");

    static ByteRange parse(String header, long size) {
        Matcher matcher = SINGLE.matcher(header.trim());
        if (!matcher.matches()) {
            return null;
        }
        long first = Long.parseLong(matcher.group(1));
        long last = matcher.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(matcher.group(2)), size - 1);
        return first < size && first <= last ? new ByteRange(first, last) : null;
    }

    long length() {
        return last - first + 1;
    }
}
