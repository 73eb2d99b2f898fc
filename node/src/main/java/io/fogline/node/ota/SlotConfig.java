package io.fogline.node.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.routing.policy.ThresholdCalibration;
import io.fogline.runtime.config.ModelConfig;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model-level config.json that makes one version directory (slot) the one that serves: the bundle's own
 * config.json with {@code version_policy} pinned to that version and the labels file found inside it, and the
 * escalation threshold the node calibrated for that version, if it did. Pinning is what makes the switch durable: a
 * restarted node loads the pinned slot, never an untested newer directory. The calibration lives in the slot, beside
 * the bundle's files and apart from them, so the bundle's own config stays as it was signed.
 */
final class SlotConfig {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LABELS = "labels.txt";
    static final String CALIBRATION = "fogline-calibration.json";

    private SlotConfig() {}

    static ModelConfig derive(Path modelDirectory, long version) throws IOException {
        return ModelConfig.parse(JSON.writeValueAsString(tree(modelDirectory, version)));
    }

    /** Writes the pinned config.json through a temporary file and an atomic rename. */
    static void activate(Path modelDirectory, long version) throws IOException {
        Path temporary = Files.createTempFile(modelDirectory, ".config", ".json");
        try {
            Files.write(
                    temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree(modelDirectory, version)));
            try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Path target = modelDirectory.resolve("config.json");
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Keeps the threshold calibrated for {@code version}, with what it did on the examples it was chosen on. */
    static void calibrate(Path modelDirectory, long version, ThresholdCalibration.Outcome outcome) throws IOException {
        ObjectNode calibration = JSON.createObjectNode();
        calibration.put("max_probability_below", outcome.threshold());
        calibration.put("examples", outcome.examples());
        calibration.put("kept", outcome.kept());
        calibration.put("kept_correct", outcome.keptCorrect());
        calibration.put("parent_correct_on_kept", outcome.rivalCorrectOnKept());
        calibration.put("meets_rule", outcome.meetsRule());
        Files.write(
                modelDirectory.resolve(String.valueOf(version)).resolve(CALIBRATION),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(calibration));
    }

    private static ObjectNode tree(Path modelDirectory, long version) throws IOException {
        Path slot = modelDirectory.resolve(String.valueOf(version));
        Path bundled = slot.resolve("config.json");
        ObjectNode config = JSON.createObjectNode();
        if (Files.exists(bundled)) {
            JsonNode read = JSON.readTree(bundled.toFile());
            if (read == null || !read.isObject()) {
                throw new IOException(bundled + " is not a JSON object");
            }
            config = (ObjectNode) read;
        }
        if (config.path("labels_file").isTextual()) {
            config.put("labels_file", version + "/" + config.get("labels_file").textValue());
        } else if (!config.has("labels") && Files.exists(slot.resolve(LABELS))) {
            config.put("labels_file", version + "/" + LABELS);
        }
        config.putObject("version_policy").putArray("specific").add(version);
        Path calibration = slot.resolve(CALIBRATION);
        if (Files.exists(calibration)
                && config.path("routing").path("escalate_when").isObject()) {
            JsonNode threshold = JSON.readTree(calibration.toFile()).path("max_probability_below");
            ((ObjectNode) config.get("routing").get("escalate_when")).set("max_probability_below", threshold);
        }
        return config;
    }
}
