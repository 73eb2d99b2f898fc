package io.fogline.control.fleet;

/** The figures a device reports with an update, which rollout quality gates read; any may be absent. */
public record Quality(Boolean goldenPassed, Double p95Ms, Double errorRate, Double escalationRate) {}
