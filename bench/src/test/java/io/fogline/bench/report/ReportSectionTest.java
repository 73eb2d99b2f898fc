package io.fogline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSectionTest {

    private static final String HEADING = "## Mine (issue 9)";

    @TempDir
    Path folder;

    @Test
    void anEarlierRunsSectionIsReplacedAndTheOthersKept() {
        String document = "# Benchmarks\n\n## Serving\n\nfigures\n\n" + HEADING + "\n\nold\n\n## Next\n\nkept\n";

        assertThat(ReportSection.replace(document, HEADING, HEADING + "\n\nnew\n"))
                .isEqualTo("# Benchmarks\n\n## Serving\n\nfigures\n\n" + HEADING + "\n\nnew\n\n## Next\n\nkept\n");
        assertThat(ReportSection.replace("# Benchmarks\n\n" + HEADING + "\n\nold\n", HEADING, HEADING + "\n\nnew\n"))
                .isEqualTo("# Benchmarks\n\n" + HEADING + "\n\nnew\n");
    }

    @Test
    void aNewSectionGoesAtTheEndOfANewFileInNewFolders() throws Exception {
        Path report = folder.resolve("a/b/benchmarks.md");

        ReportSection.write(report, HEADING, HEADING + "\n\nfirst\n");

        assertThat(Files.readString(report)).isEqualTo("# Benchmarks\n\n" + HEADING + "\n\nfirst\n");
    }

    @Test
    void noneNamesNoReportFileAndWritingToNoFileWritesNothing() throws Exception {
        assertThat(ReportSection.file("none")).isNull();
        assertThat(ReportSection.file("docs/benchmarks.md")).isEqualTo(Path.of("docs/benchmarks.md"));

        ReportSection.write(ReportSection.file("none"), HEADING, HEADING + "\n\nfirst\n");

        assertThat(Path.of("none")).doesNotExist();
    }
}
