package io.fogline.core.telemetry;

/**
 * Something a node saw that an operator should hear about even when counts are lost: a parent's breaker opening,
 * say. The outbox drops events last.
 *
 * @param at ISO-8601 instant
 * @param kind a short lowercase code, such as {@code breaker_open}
 * @param count how many times it happened, or for {@code telemetry_dropped} how many requests the lost windows
 *     counted
 */
public record NodeEvent(String at, String kind, String model, String detail, long count) {

    public static final String TELEMETRY_DROPPED = "telemetry_dropped";

    public NodeEvent {
        if (at == null || kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("an event needs 'at' and 'kind'");
        }
        try {
            java.time.Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("event 'at' '" + at + "' is not an ISO-8601 instant");
        }
    }
}
