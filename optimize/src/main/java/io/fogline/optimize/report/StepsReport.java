package io.fogline.optimize.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Size, latency and quality of every step of a chain of optimizations (distil, prune, quantize, in any order), all
 * measured in one run on the same samples, each step beside the first.
 *
 * @param labelled whether quality is accuracy (labelled samples) or cosine similarity to the first step's outputs
 * @param samples how many samples quality was measured on
 */
public record StepsReport(boolean labelled, int samples, LatencySettings latency, List<StepFigures> steps) {

    public StepsReport {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a chain has at least one step");
        }
    }

    public StepFigures first() {
        return steps.getFirst();
    }

    public StepFigures last() {
        return steps.getLast();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        String quality = labelled ? "accuracy" : "cosine to first";
        text.append(String.format(
                Locale.ROOT,
                "  %-28s %12s %8s %10s %8s %16s%n",
                "step",
                "size",
                "smaller",
                "latency",
                "faster",
                quality));
        for (StepFigures step : steps) {
            text.append(String.format(
                    Locale.ROOT,
                    "  %-28s %,10d B %7.2fx %7.4f ms %7.2fx %15s%n",
                    step.step(),
                    step.bytes(),
                    (double) first().bytes() / step.bytes(),
                    step.latencyMillis(),
                    first().latencyMillis() / step.latencyMillis(),
                    labelled
                            ? String.format(
                                    Locale.ROOT,
                                    "%.2f%% (%+.2f)",
                                    100 * step.quality(),
                                    100 * (step.quality() - first().quality()))
                            : String.format(Locale.ROOT, "%.4f", step.quality())));
        }
        text.append(String.format(
                Locale.ROOT,
                "  (latency: median of %d single-sample runs, %d intra-op thread%s; %s on %d samples)%n",
                latency.runs(),
                latency.intraOpThreads(),
                latency.intraOpThreads() == 1 ? "" : "s",
                quality,
                samples));
        return text.toString();
    }

    /** Writes {@code "steps": [...]} and how they were measured into an object being written. */
    public void writeFields(JsonGenerator json) throws IOException {
        json.writeStringField("quality_metric", labelled ? "accuracy" : "cosine_similarity_to_first_step");
        json.writeNumberField("quality_samples", samples);
        json.writeArrayFieldStart("steps");
        for (StepFigures step : steps) {
            json.writeStartObject();
            json.writeStringField("step", step.step());
            json.writeStringField(
                    "model", step.model().toAbsolutePath().normalize().toString());
            json.writeNumberField("size_bytes", step.bytes());
            json.writeNumberField("compression", round((double) first().bytes() / step.bytes()));
            json.writeNumberField("latency_ms", round(step.latencyMillis()));
            json.writeNumberField("speedup", round(first().latencyMillis() / step.latencyMillis()));
            json.writeNumberField("quality", round(step.quality()));
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** A report of its own: the steps and how latency was measured. */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            writeFields(json);
            json.writeObjectFieldStart("latency");
            json.writeStringField("statistic", "median");
            json.writeNumberField("runs", latency.runs());
            json.writeNumberField("intra_op_threads", latency.intraOpThreads());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out + "\n";
    }

    static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
