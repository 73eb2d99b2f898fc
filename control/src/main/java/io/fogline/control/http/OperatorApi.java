package io.fogline.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import io.fogline.control.federated.FederatedJobs;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.LabelSelector;
import io.fogline.control.monitor.AlertStore;
import io.fogline.control.monitor.ControlMetrics;
import io.fogline.control.monitor.DeviceConditions;
import io.fogline.control.monitor.HealthViews;
import io.fogline.control.registry.Publisher;
import io.fogline.control.registry.Registry;
import io.fogline.control.rollout.RolloutSpec;
import io.fogline.control.rollout.RolloutState;
import io.fogline.control.rollout.Rollouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The operator's endpoints: registry, fleet, rollouts, alerts, health, metrics, and the dashboard's files. */
public final class OperatorApi {

    private static final long JSON_LIMIT = 1024 * 1024;
    private static final int DEFAULT_PAGE = 500;
    private static final int MAX_PAGE = 5000;
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The page loads nothing from elsewhere; uPlot sets its own elements' styles. */
    private static final String DASHBOARD_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** What the operator's endpoints work on. */
    public record Services(
            Fleet fleet,
            Registry registry,
            Publisher publisher,
            Rollouts rollouts,
            FederatedJobs federated,
            AlertStore alerts,
            HealthViews health,
            ControlMetrics metrics,
            long maxBundleBytes,
            DeviceConditions deviceConditions) {}

    private final Services services;
    private final DashboardFiles dashboard = DashboardFiles.load();

    private OperatorApi(Services services) {
        this.services = services;
    }

    public static Routes routes(Services services) {
        OperatorApi api = new OperatorApi(services);
        Access operator = Access.OPERATOR;
        return Routes.of(
                Route.of(
                        "GET",
                        "/metrics",
                        Access.METRICS,
                        call -> call.send(
                                200,
                                PROMETHEUS_TYPE,
                                services.metrics().scrape().getBytes(StandardCharsets.UTF_8))),
                Route.of("GET", "/", Access.PUBLIC, OperatorApi::toDashboard),
                Route.of("GET", "/dashboard/{file*}", Access.PUBLIC, api::dashboardFile),
                Route.of(
                        "GET",
                        "/api/v1/models",
                        operator,
                        call -> call.sendJson(200, services.registry().models(null))),
                Route.of(
                        "GET",
                        "/api/v1/models/{model}",
                        operator,
                        call -> call.sendJson(200, services.registry().models(call.parameter("model")))),
                Route.of("POST", "/api/v1/bundles", operator, api::publish).withMaxBody(services.maxBundleBytes()),
                Route.of("POST", "/api/v1/enrolment-tokens", operator, api::issueToken),
                Route.of("GET", "/api/v1/devices", operator, api::devices),
                Route.of(
                        "GET",
                        "/api/v1/fleet",
                        operator,
                        call -> call.sendJson(200, services.fleet().summary(filter(call)))),
                Route.of(
                        "GET",
                        "/api/v1/devices/{id}",
                        operator,
                        call -> call.sendJson(200, services.fleet().device(call.parameter("id")))),
                Route.of("PATCH", "/api/v1/devices/{id}", operator, api::updateDevice),
                Route.of("POST", "/api/v1/rollouts", operator, api::startRollout),
                Route.of(
                        "GET",
                        "/api/v1/rollouts",
                        operator,
                        call -> call.sendJson(200, services.rollouts().list())),
                Route.of(
                        "GET",
                        "/api/v1/rollouts/{rollout}",
                        operator,
                        call -> call.sendJson(200, services.rollouts().view(rolloutId(call)))),
                Route.of("POST", "/api/v1/rollouts/{rollout}/{command}", operator, api::commandRollout),
                Route.of(
                        "POST",
                        "/api/v1/federated/jobs",
                        operator,
                        call -> call.sendJson(201, services.federated().start(call.json(JSON_LIMIT)))),
                Route.of(
                        "GET",
                        "/api/v1/federated/jobs",
                        operator,
                        call -> call.sendJson(200, services.federated().list())),
                Route.of(
                        "GET",
                        "/api/v1/federated/jobs/{job}",
                        operator,
                        call -> call.sendJson(200, services.federated().view(call.parameter("job")))),
                Route.of(
                        "POST",
                        "/api/v1/federated/jobs/{job}/stop",
                        operator,
                        call -> call.sendJson(200, services.federated().stop(call.parameter("job")))),
                Route.of(
                        "GET",
                        "/api/v1/alerts",
                        operator,
                        call -> call.sendJson(200, services.alerts().list(call.query("state")))),
                Route.of("POST", "/api/v1/alerts/{alert}/acknowledge", operator, api::acknowledge),
                Route.of(
                        "GET",
                        "/api/v1/health",
                        operator,
                        call -> call.sendJson(200, services.health().health(span(call, 15)))),
                Route.of(
                        "GET",
                        "/api/v1/telemetry",
                        operator,
                        call -> call.sendJson(
                                200,
                                Map.of(
                                        "windows",
                                        services.health()
                                                .series(span(call, 60), call.query("device"), call.query("model"))))),
                Route.of(
                        "GET",
                        "/api/v1/device-health",
                        operator,
                        call -> call.sendJson(
                                200,
                                Map.of(
                                        "devices",
                                        services.deviceConditions().conditions(span(call, 15)),
                                        "windows",
                                        services.deviceConditions().series(span(call, 15), call.query("device"))))));
    }

    private static void toDashboard(Call call) throws IOException {
        String query = call.rawQuery();
        call.setHeader("Location", "/dashboard/" + (query == null ? "" : "?" + query));
        call.sendEmpty(302);
    }

    /**
     * The dashboard's files, to anyone: they hold no data, and the page asks for the admin token before it reads the
     * API. Every answer is revalidated against its ETag, so a new jar's files are never hidden behind a cached copy.
     */
    private void dashboardFile(Call call) throws IOException {
        String file = call.parameter("file");
        if (file.isEmpty() && !call.path().endsWith("/")) {
            toDashboard(call);
            return;
        }
        String name = file.isEmpty() ? "index.html" : file;
        DashboardFiles.File found =
                dashboard.find(name).orElseThrow(() -> ControlException.notFound("no dashboard file '" + name + "'"));
        call.setHeader("ETag", found.etag());
        call.setHeader("Cache-Control", "no-cache");
        call.setHeader("X-Content-Type-Options", "nosniff");
        if (found.type().startsWith("text/html")) {
            call.setHeader("Content-Security-Policy", DASHBOARD_POLICY);
            call.setHeader("Referrer-Policy", "no-referrer");
        }
        if (DeviceApi.unchanged(call, found.etag().replaceAll("^\"|\"$", ""))) {
            call.sendEmpty(304);
            return;
        }
        call.send(200, found.type(), found.bytes());
    }

    private void publish(Call call) throws IOException {
        Path upload = services.publisher().scratch();
        try {
            call.saveBody(upload, services.maxBundleBytes());
            Publisher.Published published;
            try {
                published = services.publisher().publish(upload);
            } catch (IOException e) {
                throw new UncheckedIOException("publishing failed: " + e.getMessage(), e);
            }
            call.sendJson(published.created() ? 201 : 200, published);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    private void issueToken(Call call) throws IOException {
        JsonNode body = call.json(JSON_LIMIT);
        Long ttl = Fields.optionalLong(body, "ttl_seconds");
        Long uses = Fields.optionalLong(body, "uses");
        call.sendJson(
                201,
                services.fleet()
                        .issueToken(
                                Fields.optionalText(body, "group"),
                                Fields.labels(body, "labels"),
                                Duration.ofSeconds(ttl == null ? 24 * 3600 : ttl),
                                uses == null ? 1 : uses));
    }

    /**
     * A page of devices by id; {@code X-Total-Count} says how many the filter selects, and {@code Link: <...>;
     * rel="next"} where the next page is.
     */
    private void devices(Call call) throws IOException {
        int limit = limit(call);
        Fleet.Page page = services.fleet().page(filter(call), Fields.name(call.query("after"), "after"), limit);
        call.setHeader("X-Total-Count", String.valueOf(page.total()));
        if (page.next() != null) {
            StringBuilder next = new StringBuilder("/api/v1/devices?limit=").append(limit);
            for (String parameter : new String[] {"group", "selector"}) {
                if (call.query(parameter) != null) {
                    next.append('&').append(parameter).append('=').append(encode(call.query(parameter)));
                }
            }
            next.append("&after=").append(encode(page.next()));
            call.setHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        call.sendJson(200, page.devices());
    }

    private static DeviceFilter filter(Call call) {
        String selector = call.query("selector");
        return new DeviceFilter(
                Fields.name(call.query("group"), "group"), selector == null ? null : LabelSelector.parse(selector));
    }

    private static int limit(Call call) {
        String text = call.query("limit");
        if (text == null) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ControlException.invalid("limit must be a whole number from 1 to " + MAX_PAGE + ", got '" + text + "'");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void updateDevice(Call call) throws IOException {
        JsonNode body = call.json(JSON_LIMIT);
        call.sendJson(
                200,
                services.fleet()
                        .update(
                                call.parameter("id"),
                                Fields.optionalText(body, "group"),
                                body.hasNonNull("labels") ? Fields.labels(body, "labels") : null));
    }

    private void startRollout(Call call) throws IOException {
        long id = services.rollouts().start(RolloutSpec.parse(call.json(JSON_LIMIT)));
        call.sendJson(201, services.rollouts().view(id));
    }

    private void commandRollout(Call call) throws IOException {
        long id = rolloutId(call);
        services.rollouts().command(id, RolloutState.Command.ofWire(call.parameter("command")));
        call.sendJson(200, services.rollouts().view(id));
    }

    private void acknowledge(Call call) throws IOException {
        long id;
        try {
            id = Long.parseLong(call.parameter("alert"));
        } catch (NumberFormatException e) {
            throw ControlException.notFound("no alert '" + call.parameter("alert") + "'");
        }
        call.sendJson(200, services.alerts().acknowledge(id));
    }

    /** The {@code minutes} query parameter as a span, 1 to 10080 (a week). */
    private static Duration span(Call call, long defaultMinutes) {
        String text = call.query("minutes");
        if (text == null) {
            return Duration.ofMinutes(defaultMinutes);
        }
        try {
            long minutes = Long.parseLong(text);
            if (minutes >= 1 && minutes <= 10080) {
                return Duration.ofMinutes(minutes);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ControlException.invalid("minutes must be a whole number from 1 to 10080, got '" + text + "'");
    }

    private static long rolloutId(Call call) {
        String text = call.parameter("rollout");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ControlException.notFound("no rollout '" + text + "'");
        }
    }
}
