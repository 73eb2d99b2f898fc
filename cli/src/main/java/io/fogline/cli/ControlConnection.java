package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.Json;
import io.fogline.core.tls.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How the operator's commands reach a control plane's REST API: its address, the CA its HTTPS certificate chains to,
 * and the admin token.
 */
final class ControlConnection {

    @Option(
            names = "--control",
            defaultValue = "http://127.0.0.1:8080",
            description = "Address of the control plane (default ${DEFAULT-VALUE}).")
    String control;

    @Option(
            names = "--control-ca",
            description = "PEM CA certificates (or the control plane's own certificate, to pin it) its HTTPS"
                    + " certificate must chain to; the JDK's CAs without.")
    Path controlAuthority;

    @Option(
            names = "--token",
            defaultValue = "${env:FOGLINE_ADMIN_TOKEN}",
            description = "Admin token (default: $FOGLINE_ADMIN_TOKEN, else the admin-token file of --data-dir).")
    String token;

    @Option(
            names = "--data-dir",
            defaultValue = "fogline-control",
            description = "Data directory of a control plane on this machine, to read its admin token from"
                    + " (default ${DEFAULT-VALUE}).")
    Path dataDir;

    /** A refusal or failure of the control plane, with the message it gave. */
    static final class ControlError extends Exception {
        ControlError(String message) {
            super(message);
        }
    }

    JsonNode get(String path) throws ControlError {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) throws ControlError {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    JsonNode postFile(String path, Path file) throws ControlError {
        return sendFile(path, "POST", "application/zip", file);
    }

    JsonNode putFile(String path, Path file) throws ControlError {
        return sendFile(path, "PUT", "application/json", file);
    }

    private JsonNode sendFile(String path, String method, String type, Path file) throws ControlError {
        try {
            return send(
                    request(path).header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofFile(file)));
        } catch (java.io.FileNotFoundException e) {
            throw new ControlError("no file " + file);
        }
    }

    private HttpRequest.Builder request(String path) throws ControlError {
        return HttpRequest.newBuilder(URI.create(control.replaceAll("/+$", "") + path))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + adminToken());
    }

    private String adminToken() throws ControlError {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        Path file = dataDir.resolve("admin-token");
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ControlError("no admin token: pass --token, set FOGLINE_ADMIN_TOKEN, or point --data-dir at"
                    + " the control plane's data directory (" + file + " cannot be read)");
        }
    }

    private HttpClient client() throws ControlError {
        HttpClient.Builder client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (controlAuthority != null) {
            if (!Files.isRegularFile(controlAuthority)) {
                throw new ControlError("--control-ca " + controlAuthority + ": no such file");
            }
            try {
                client.sslContext(Pem.trusting(controlAuthority));
            } catch (IOException e) {
                throw new ControlError("--control-ca " + e.getMessage());
            }
        }
        return client.build();
    }

    private JsonNode send(HttpRequest.Builder request) throws ControlError {
        HttpResponse<byte[]> response;
        try (HttpClient client = client()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ControlError("cannot reach the control plane at " + control + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlError("interrupted");
        }
        JsonNode body = Json.parse(response.body().length == 0 ? "{}".getBytes() : response.body());
        if (response.statusCode() >= 300) {
            throw new ControlError(
                    response.statusCode() + ": " + body.path("error").asText(body.toString()));
        }
        return body;
    }
}
