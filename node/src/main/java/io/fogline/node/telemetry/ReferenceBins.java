package io.fogline.node.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The histogram edges of a served bundle's reference-stats.json (docs/protocol.md), per input and output, so that
 * the node counts live values in the very bins the control plane compares with. A version without the file, or a
 * tensor without a histogram, is summarised by its moments alone.
 */
public final class ReferenceBins {

    /** Edges per tensor name, for the inputs and the outputs of one model version. */
    public record Edges(Map<String, double[]> inputs, Map<String, double[]> outputs) {
        public static final Edges NONE = new Edges(Map.of(), Map.of());
    }

    public static final String FILE_NAME = "reference-stats.json";

    private static final System.Logger LOG = System.getLogger(ReferenceBins.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repository;
    private final Map<String, Edges> cache = new ConcurrentHashMap<>();

    /** @param repository the node's model repository: a version's bundle is unpacked into {@code <model>/<version>} */
    public ReferenceBins(Path repository) {
        this.repository = repository;
    }

    public Edges of(String model, String version) {
        return cache.computeIfAbsent(model + '\u0000' + version, key -> read(model, version));
    }

    private Edges read(String model, String version) {
        Path file = repository.resolve(model).resolve(version).resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Edges.NONE;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            return new Edges(edges(root.path("inputs")), edges(root.path("outputs")));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable {0}: {1}", file, e.getMessage());
            return Edges.NONE;
        }
    }

    private static Map<String, double[]> edges(JsonNode tensors) {
        Map<String, double[]> edges = new HashMap<>();
        tensors.properties().forEach(tensor -> {
            JsonNode values = tensor.getValue().path("histogram").path("edges");
            if (values.isArray() && values.size() >= 2) {
                double[] bounds = new double[values.size()];
                for (int i = 0; i < bounds.length; i++) {
                    bounds[i] = values.get(i).asDouble();
                }
                edges.put(tensor.getKey(), bounds);
            }
        });
        return Map.copyOf(edges);
    }
}
