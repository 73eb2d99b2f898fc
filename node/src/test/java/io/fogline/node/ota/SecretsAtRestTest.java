package io.fogline.node.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second break: {@code ota.db}, which holds the device's credential in plain text, was mode 644 and so
 * readable by every local user. A node makes its data directory and that file its own only, new or not.
 */
class SecretsAtRestTest {

    @TempDir
    Path dir;

    private OtaOptions options(Path dataDir) {
        return new OtaOptions(
                URI.create("http://127.0.0.1:9"), "token", "cam-1", Map.of(), dataDir, dir.resolve("trust.json"));
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aNewDataDirectoryAndItsCredentialStoreAreTheOwnersOnly() throws Exception {
        Path dataDir = dir.resolve("node");
        Files.createDirectories(dir.resolve("models"));

        OtaAgent.prepare(options(dataDir), dir.resolve("models")).close();

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("ota.db"))).isEqualTo("rw-------");
    }

    @Test
    void aWorldReadableCredentialStoreLeftByAnOlderNodeIsNarrowedAtStart() throws Exception {
        Path dataDir = dir.resolve("node");
        Files.createDirectories(dir.resolve("models"));
        OtaAgent.prepare(options(dataDir), dir.resolve("models")).close();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dataDir.resolve("ota.db"), PosixFilePermissions.fromString("rw-r--r--"));

        OtaAgent.prepare(options(dataDir), dir.resolve("models")).close();

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("ota.db"))).isEqualTo("rw-------");
    }
}
