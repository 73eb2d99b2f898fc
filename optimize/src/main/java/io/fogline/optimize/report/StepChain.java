package io.fogline.optimize.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model came to be: the steps recorded in the report beside it ({@code <model>.report.json}), so that the next
 * optimization's report can show them all. Each optimize command writes that report; a model without one is a chain
 * of one step.
 */
public final class StepChain {

    private StepChain() {}

    /** The report an optimize command writes beside its output. */
    public static Path reportFile(Path model) {
        return model.resolveSibling(model.getFileName() + ".report.json");
    }

    /**
     * The steps that led to {@code model}, ending with it, or {@code [name: model]} when no report beside it says more.
     * Steps whose files are gone are left out.
     */
    public static List<ModelStep> leadingTo(Path model, String name) throws IOException {
        Path report = reportFile(model);
        List<ModelStep> steps = Files.isRegularFile(report) ? read(report) : List.of();
        Path self = model.toAbsolutePath().normalize();
        if (steps.isEmpty() || !steps.getLast().model().equals(self)) {
            return List.of(new ModelStep(name, model));
        }
        List<ModelStep> present = new ArrayList<>();
        for (ModelStep step : steps) {
            if (Files.isRegularFile(step.model())) {
                present.add(step);
            }
        }
        return present;
    }

    /** The {@code step} and {@code model} of each entry of the report's {@code steps} array. */
    static List<ModelStep> read(Path report) throws IOException {
        List<ModelStep> steps = new ArrayList<>();
        try (JsonParser json = new JsonFactory().createParser(report.toFile())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (!field.equals("steps") || value != JsonToken.START_ARRAY) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    String step = null;
                    String model = null;
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String key = json.currentName();
                        json.nextToken();
                        switch (key) {
                            case "step" -> step = json.getValueAsString();
                            case "model" -> model = json.getValueAsString();
                            default -> json.skipChildren();
                        }
                    }
                    if (step != null && model != null) {
                        steps.add(new ModelStep(
                                step, Path.of(model).toAbsolutePath().normalize()));
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A report that is not ours, or half written: the chain starts here.
            return List.of();
        }
        return steps;
    }
}
