package io.fogline.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One benchmark's section of a markdown report such as docs/benchmarks.md: from its {@code ## } heading to the next
 * one. Writing it replaces an earlier run's section and leaves every other section as it was.
 */
public final class ReportSection {

    /** The value of a benchmark's {@code --report} option that asks for no report file: the run prints only. */
    public static final String NONE = "none";

    private ReportSection() {}

    /** The report file a {@code --report} value names: null for {@link #NONE}. */
    public static Path file(String option) {
        return option.equals(NONE) ? null : Path.of(option);
    }

    /**
     * Writes {@code section}, which begins with {@code heading}, into {@code file}; the file and its folders are created
     * when absent. A null {@code file} ({@code --report none}) writes nothing.
     */
    public static void write(Path file, String heading, String section) throws IOException {
        if (file == null) {
            return;
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) {
            Files.createDirectories(folder);
        }
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
        Files.writeString(file, replace(existing, heading, section), StandardCharsets.UTF_8);
    }

    static String replace(String document, String heading, String section) {
        String body = section.stripTrailing() + "\n";
        int start = document.indexOf(heading + "\n");
        if (start < 0) {
            return document.stripTrailing() + "\n\n" + body;
        }
        int end = document.indexOf("\n## ", start + heading.length());
        return document.substring(0, start) + body + (end < 0 ? "" : "\n" + document.substring(end + 1));
    }
}
