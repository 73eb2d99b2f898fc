package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.ControlHarness;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.TestCertificates;
import io.fogline.core.tls.Pem;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's commands against a control plane that serves HTTPS with a certificate of a private CA. */
class OperatorOverHttpsTest {

    @TempDir
    static Path dir;

    private static ControlPlane control;
    private static TestCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.make(dir);
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ControlHarness.ADMIN_TOKEN)
                .withTls(Pem.serverKeys(certificates.certificate(), certificates.key())));
    }

    @AfterAll
    static void stop() {
        control.close();
    }

    private static CommandRun devices(String... more) {
        String[] args = {
            "devices", "--control", "https://127.0.0.1:" + control.port(), "--token", ControlHarness.ADMIN_TOKEN
        };
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CommandRun.of(all);
    }

    @Test
    void theControlCaLetsAnOperatorReachAControlPlaneWithAPrivateCertificate() {
        CommandRun trusted = devices("--control-ca", certificates.certificate().toString());
        assertThat(trusted.exitCode()).as(trusted.err()).isZero();
    }

    @Test
    void withoutTheControlCaTheCertificateIsRefusedInOneLine() {
        CommandRun untrusted = devices();
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.err())
                .startsWith("fogline: cannot reach the control plane at https://127.0.0.1:")
                .contains("PKIX")
                .hasLineCount(1);
    }

    @Test
    void aMissingControlCaFileIsNamed() {
        CommandRun missing = devices("--control-ca", dir.resolve("nope.crt").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip())
                .isEqualTo("fogline: --control-ca " + dir.resolve("nope.crt") + ": no such file");
    }
}
