package io.fogline.control.http;

import java.util.List;

/** Paths as lists of segments: slashes at either end dropped, runs of slashes read as one. */
final class Paths {

    private Paths() {}

    static List<String> segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/+"));
    }
}
