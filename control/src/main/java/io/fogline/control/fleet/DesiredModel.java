package io.fogline.control.fleet;

/** One entry of a device's desired state: serve this bundle as this model version; {@code actionId} names the order. */
public record DesiredModel(String model, int version, String bundle, long actionId) {}
