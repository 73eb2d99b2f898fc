package io.fogline.control.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.Json;
import io.fogline.control.registry.BlobStore;
import io.fogline.control.store.Database;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The reference statistics of published bundles (their reference-stats.json), that drift is measured against. */
public final class References {

    /** Reference histogram of one tensor: its bin edges and counts. */
    public record Histogram(double[] edges, long[] counts) {}

    /**
     * The histograms of a bundle's inputs and outputs, by tensor name, the mix of classes its reference outputs predict
     * (of the first output that holds class scores; empty when none does), how many samples they summarize, and the
     * model's accuracy on its labelled reference inputs (null when they carried no labels).
     */
    public record Reference(
            Map<String, Histogram> inputs,
            Map<String, Histogram> outputs,
            long[] classes,
            long samples,
            Double accuracy) {}

    private final Database database;
    private final BlobStore blobs;
    /** Bundles never change once published, so a reference read once stays true. */
    private final Map<String, Optional<Reference>> cache = new ConcurrentHashMap<>();

    public References(Database database, BlobStore blobs) {
        this.database = database;
        this.blobs = blobs;
    }

    public Optional<Reference> of(String model, String version) {
        long number;
        try {
            number = Long.parseLong(version);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String key = model + '\u0000' + number;
        Optional<Reference> known = cache.get(key);
        if (known != null) {
            return known;
        }
        Optional<Reference> read = read(model, number);
        if (read.isPresent()) {
            cache.put(key, read);
        }
        return read;
    }

    private Optional<Reference> read(String model, long version) {
        Optional<String> sha256 = database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT manifest, digest FROM bundles WHERE model = ? AND version = ?")) {
                select.setString(1, model);
                select.setLong(2, version);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    JsonNode manifest = Json.parse(row.getBytes(1));
                    String path = manifest.path("reference_stats").asText(null);
                    if (path == null) {
                        return Optional.empty();
                    }
                    try (PreparedStatement file = connection.prepareStatement(
                            "SELECT sha256 FROM bundle_files WHERE digest = ? AND path = ?")) {
                        file.setString(1, row.getString(2));
                        file.setString(2, path);
                        try (ResultSet found = file.executeQuery()) {
                            return found.next() ? Optional.of(found.getString(1)) : Optional.empty();
                        }
                    }
                }
            }
        });
        if (sha256.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (blobs.size(sha256.get()).isEmpty()) {
                return Optional.empty();
            }
            JsonNode stats = Json.parse(blobs.bytes(sha256.get()));
            return Optional.of(new Reference(
                    histograms(stats.path("inputs")),
                    histograms(stats.path("outputs")),
                    classes(stats.path("outputs")),
                    stats.path("samples").asLong(0),
                    stats.path("accuracy").isNumber() ? stats.path("accuracy").asDouble() : null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long[] classes(JsonNode outputs) {
        for (JsonNode output : outputs) {
            JsonNode classes = output.path("classes");
            if (classes.isArray()) {
                long[] counts = new long[classes.size()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = classes.get(i).asLong();
                }
                return counts;
            }
        }
        return new long[0];
    }

    private static Map<String, Histogram> histograms(JsonNode tensors) {
        Map<String, Histogram> histograms = new HashMap<>();
        tensors.properties().forEach(tensor -> {
            JsonNode edges = tensor.getValue().path("histogram").path("edges");
            JsonNode counts = tensor.getValue().path("histogram").path("counts");
            if (edges.isArray() && counts.isArray() && counts.size() == edges.size() - 1 && counts.size() > 0) {
                double[] e = new double[edges.size()];
                for (int i = 0; i < e.length; i++) {
                    e[i] = edges.get(i).asDouble();
                }
                long[] c = new long[counts.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = counts.get(i).asLong();
                }
                histograms.put(tensor.getKey(), new Histogram(e, c));
            }
        });
        return Map.copyOf(histograms);
    }
}
