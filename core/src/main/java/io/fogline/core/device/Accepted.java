package io.fogline.core.device;

/** The answer to a report or a telemetry batch: false when it was applied before (a resend) and is ignored. */
public record Accepted(boolean accepted) {}
