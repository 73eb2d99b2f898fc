package io.fogline.optimize.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces one {@code ## } section of a Markdown file (up to the next one), or appends it, leaving the rest alone. */
final class MarkdownSections {

    private MarkdownSections() {}

    static void replace(Path file, String heading, String body) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
        String section = heading + "\n\n" + body.strip() + "\n";
        int start = text.startsWith(heading + "\n") ? 0 : text.indexOf("\n" + heading + "\n");
        if (start < 0) {
            text = text.stripTrailing() + "\n\n" + section;
        } else {
            int from = start == 0 ? 0 : start + 1;
            int next = text.indexOf("\n## ", from + heading.length());
            text = text.substring(0, from) + section + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
