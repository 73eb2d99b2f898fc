package io.fogline.control.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.store.StoreException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * A database with no connection free answers 503 with {@code Retry-After}, which clients retry, not 500: in a rollout
 * to 100,000 devices the simulator's status query waited 35 s for one of the pool's 16 connections and gave up on the
 * 500, ending a 40-minute run at 94 %.
 */
class OverloadedDatabaseTest {

    private static HttpResponse<String> get(Routes routes) throws Exception {
        ControlServer server = ControlServer.start(
                "127.0.0.1", 0, routes, new Credentials("admin", null, null), ListenerLimits.defaults(), null);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/busy"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            server.close();
        }
    }

    @Test
    void aPoolWithNoConnectionFreeAnswers503ToTryAgain() throws Exception {
        HttpResponse<String> answer = get(Routes.of(Route.of("GET", "/busy", Access.PUBLIC, call -> {
            throw new StoreException(new SQLTransientConnectionException(
                    "fogline-postgres - Connection is not available, request timed out after 30000ms"));
        })));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.body())
                .isEqualTo("{\"error\":\"the database is busy: no connection came free in time; try again\"}");
    }

    @Test
    void anyOtherDatabaseFailureIsStillAServerError() throws Exception {
        HttpResponse<String> answer = get(Routes.of(Route.of("GET", "/busy", Access.PUBLIC, call -> {
            throw new StoreException(new SQLException("relation \"devices\" does not exist", "42P01"));
        })));

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
    }
}
