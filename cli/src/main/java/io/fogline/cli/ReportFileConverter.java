package io.fogline.cli;

import io.fogline.bench.report.ReportSection;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/** A benchmark's {@code --report} value: a markdown file, or {@code none} for no report file (the run prints only). */
final class ReportFileConverter implements ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        return ReportSection.file(value);
    }
}
