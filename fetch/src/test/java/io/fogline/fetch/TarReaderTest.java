package io.fogline.fetch;

import static io.fogline.fetch.TestArchives.entry;
import static io.fogline.fetch.TestArchives.header;
import static io.fogline.fetch.TestArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

    @TempDir
    Path directory;

    @Test
    void readsEntriesWithTheirUstarPrefixAndContent() throws IOException {
        byte[] archive = tar(
                header("package/", 0, '5', ""),
                entry("a.txt", "first", ""),
                entry("silero_vad_v5.onnx", "second entry", "package/dist"));
        TarReader reader = new TarReader(new ByteArrayInputStream(archive), 1 << 20);

        assertThat(reader.next()).isEqualTo(new TarReader.Entry("package/", 0, false));
        assertThat(reader.next()).isEqualTo(new TarReader.Entry("a.txt", 5, true));
        // The first entry's content is left unread: next() must skip it and its padding.
        TarReader.Entry third = reader.next();
        assertThat(third).isEqualTo(new TarReader.Entry("package/dist/silero_vad_v5.onnx", 12, true));
        assertThat(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("second entry");
        assertThat(reader.next()).isNull();
    }

    @Test
    void refusesANameThatClimbsOutOfTheArchive() {
        byte[] archive = tar(entry("package/../../etc/passwd", "x", ""));

        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(archive), 1 << 20).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("package/../../etc/passwd")
                .hasMessageContaining("climbs out");
    }

    @Test
    void refusesAnAbsoluteName() {
        byte[] archive = tar(entry("/etc/passwd", "x", ""));

        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(archive), 1 << 20).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absolute");
    }

    @Test
    void failsOnContentCutShort() throws IOException {
        byte[] whole = tar(entry("model.onnx", "0123456789".repeat(100), ""));
        byte[] truncated = Arrays.copyOf(whole, 512 + 100);
        TarReader reader = new TarReader(new ByteArrayInputStream(truncated), 1 << 20);
        reader.next();

        assertThatThrownBy(() -> reader.content().readAllBytes())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void failsWhenSkippingPastTheEndOfATruncatedArchive() throws IOException {
        byte[] whole = tar(entry("model.onnx", "0123456789".repeat(100), ""), entry("b", "b", ""));
        TarReader reader = new TarReader(new ByteArrayInputStream(Arrays.copyOf(whole, 700)), 1 << 20);
        reader.next();

        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class).hasMessageContaining("truncated");
    }

    @Test
    void failsOnAHeaderCutShort() {
        byte[] truncated = Arrays.copyOf(tar(entry("a", "a", "")), 300);

        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(truncated), 1 << 20).next())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesAHeaderWhoseChecksumDoesNotMatch() {
        byte[] archive = tar(entry("a", "a", ""));
        archive[0] = 'b';

        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(archive), 1 << 20).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void refusesAnEntryOverTheSizeLimit() {
        byte[] archive = tar(entry("big", "0123456789", ""));

        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(archive), 9).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("over the limit");
    }

    @Test
    void extractionFailsClearlyOnATruncatedGzipTarball() throws IOException {
        byte[] tar = tar(entry("package/model.onnx", "0123456789".repeat(1000), ""));
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(tar);
        }
        Path tarball = directory.resolve("cut.tgz");
        Files.write(tarball, Arrays.copyOf(gzipped.toByteArray(), gzipped.size() / 2));
        Path target = directory.resolve("model.onnx");

        assertThatThrownBy(() -> ArchiveEntries.fromTarGz(tarball, Map.of("package/model.onnx", target)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("cut.tgz is truncated");
    }

    @Test
    void extractionNamesAnEntryTheTarballLacks() throws IOException {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(tar(entry("package/other.onnx", "x", "")));
        }
        Path tarball = directory.resolve("pkg.tgz");
        Files.write(tarball, gzipped.toByteArray());

        assertThatThrownBy(() -> ArchiveEntries.fromTarGz(
                        tarball, Map.of("package/model.onnx", directory.resolve("model.onnx"))))
                .hasMessage("pkg.tgz has no file entry package/model.onnx");
    }
}
