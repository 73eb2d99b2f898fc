package io.fogline.core.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node did from {@code start} to {@code end}, per model version. A window of the outbox may be the merge of
 * several: then {@code seconds} is the time they covered, which rates divide by, and the span may hold gaps.
 *
 * @param start ISO-8601 instant, inclusive
 * @param end ISO-8601 instant, exclusive
 * @param seconds the time the window's figures were gathered over
 * @param health how the device fared, or null from a node that does not say (or predates it)
 */
public record TelemetryWindow(String start, String end, long seconds, List<ModelWindow> models, DeviceHealth health) {

    public TelemetryWindow {
        Instant from = parse(start, "start");
        Instant to = parse(end, "end");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("window end " + end + " is not after its start " + start);
        }
        if (seconds <= 0) {
            throw new IllegalArgumentException("window seconds must be positive, got " + seconds);
        }
        models = List.copyOf(models);
    }

    /** A window of model figures only. */
    public TelemetryWindow(String start, String end, long seconds, List<ModelWindow> models) {
        this(start, end, seconds, models, null);
    }

    public TelemetryWindow withHealth(DeviceHealth device) {
        return new TelemetryWindow(start, end, seconds, models, device);
    }

    public static TelemetryWindow of(Instant start, Instant end, long seconds, List<ModelWindow> models) {
        return new TelemetryWindow(start.toString(), end.toString(), seconds, models);
    }

    private static Instant parse(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("window " + field + " is missing");
        }
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("window " + field + " '" + value + "' is not an ISO-8601 instant");
        }
    }

    public Instant startInstant() {
        return Instant.parse(start);
    }

    public Instant endInstant() {
        return Instant.parse(end);
    }

    public boolean hasDetail() {
        return models.stream().anyMatch(ModelWindow::hasDetail);
    }

    public TelemetryWindow withoutDetail() {
        return new TelemetryWindow(
                start,
                end,
                seconds,
                models.stream().map(ModelWindow::withoutDetail).toList(),
                health);
    }

    /** One window spanning both, with the figures of both; {@code later} must start after this one. */
    public TelemetryWindow merge(TelemetryWindow later) {
        Map<String, ModelWindow> byModel = new LinkedHashMap<>();
        for (ModelWindow model : models) {
            byModel.merge(model.key(), model, ModelWindow::merge);
        }
        for (ModelWindow model : later.models) {
            byModel.merge(model.key(), model, ModelWindow::merge);
        }
        Instant first = startInstant().isBefore(later.startInstant()) ? startInstant() : later.startInstant();
        Instant last = endInstant().isAfter(later.endInstant()) ? endInstant() : later.endInstant();
        DeviceHealth both = health == null ? later.health : later.health == null ? health : health.merge(later.health);
        return of(first, last, seconds + later.seconds, new ArrayList<>(byModel.values()))
                .withHealth(both);
    }
}
