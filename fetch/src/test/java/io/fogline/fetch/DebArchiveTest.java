package io.fogline.fetch;

import static io.fogline.fetch.TestArchives.deb;
import static io.fogline.fetch.TestArchives.entry;
import static io.fogline.fetch.TestArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebArchiveTest {

    @TempDir
    Path directory;

    @Test
    void opensTheDataMemberPastTheOthers() throws IOException {
        byte[] dataTar = tar(entry("./usr/share/datasets/x/a.gz", "payload", ""));

        try (InputStream in = DebArchive.dataTar(new ByteArrayInputStream(deb(dataTar)), "x.deb")) {
            assertThat(in.readAllBytes()).isEqualTo(dataTar);
        }
    }

    @Test
    void extractsAnInstalledFileByItsPathWithOrWithoutTheLeadingDot() throws IOException {
        Path deb = directory.resolve("x.deb");
        Files.write(deb, deb(tar(entry("./usr/share/datasets/x/a.gz", "payload", ""))));
        Path target = directory.resolve("a.gz");

        Map<String, FileDigest> digests = ArchiveEntries.fromDeb(deb, Map.of("usr/share/datasets/x/a.gz", target));

        assertThat(target).hasContent("payload");
        assertThat(digests.get("usr/share/datasets/x/a.gz").bytes()).isEqualTo(7);
    }

    @Test
    void refusesAFileThatIsNoDebianPackage() {
        byte[] notDeb = "PK\3\4 a zip file".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> DebArchive.dataTar(new ByteArrayInputStream(notDeb), "x.deb"))
                .hasMessage("x.deb is not a Debian package (no ar archive header)");
    }

    @Test
    void failsClearlyOnATruncatedPackage() throws IOException {
        byte[] whole = deb(tar(entry("./a", "0123456789".repeat(1000), "")));
        Path deb = directory.resolve("cut.deb");
        Files.write(deb, Arrays.copyOf(whole, whole.length - 40));

        assertThatThrownBy(() -> ArchiveEntries.fromDeb(deb, Map.of("a", directory.resolve("a"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cut.deb");
    }

    @Test
    void namesACompressionItCannotUnpack() {
        byte[] deb = "!<arch>\ndata.tar.zst/    0           0     0     100644  4         `\nabcd"
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> DebArchive.dataTar(new ByteArrayInputStream(deb), "x.deb"))
                .hasMessage("x.deb holds its files as data.tar.zst, which Fogline cannot unpack");
    }

    @Test
    void failsWhenAMemberHeaderIsCutShort() {
        byte[] deb = "!<arch>\ndebian-binary   0".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> DebArchive.dataTar(new ByteArrayInputStream(deb), "x.deb"))
                .isInstanceOf(EOFException.class)
                .hasMessage("x.deb is truncated inside a member header");
    }
}
