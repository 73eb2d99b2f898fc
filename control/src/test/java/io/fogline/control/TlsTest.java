package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.tls.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane over HTTPS from PEM files: a client that trusts its CA is served, one that does not is refused. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void itServesHttpsToClientsThatTrustItsCertificateOnly() throws Exception {
        TestCertificates files = TestCertificates.make(dir);
        try (ControlPlane control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ControlHarness.ADMIN_TOKEN)
                .withTls(Pem.serverKeys(files.certificate(), files.key())))) {
            HttpRequest models = HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + control.port() + "/api/v1/models"))
                    .header("Authorization", "Bearer " + ControlHarness.ADMIN_TOKEN)
                    .build();

            HttpResponse<String> trusted = HttpClient.newBuilder()
                    .sslContext(Pem.trusting(files.certificate()))
                    .build()
                    .send(models, HttpResponse.BodyHandlers.ofString());

            assertThat(trusted.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(models, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }
}
