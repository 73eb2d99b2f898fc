package io.fogline.optimize.report;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Measures every step of a chain side by side: one latency run with the models interleaved, quality on each. */
public final class StepsReporter {

    private StepsReporter() {}

    /**
     * Measures {@code made}, an optimization of {@code source}, beside every step that led to {@code source} (or
     * beside {@code source} alone, named {@code sourceStep}), and writes the report beside {@code made}'s model so that
     * the next optimization continues the chain.
     */
    public static StepsReport recordStep(
            Path source, String sourceStep, ModelStep made, SampleSet samples, LatencySettings latency)
            throws IOException, OrtException {
        List<ModelStep> steps = new ArrayList<>(StepChain.leadingTo(source, sourceStep));
        steps.add(made);
        StepsReport report = measure(steps, samples, latency);
        Files.writeString(StepChain.reportFile(made.model()), report.toJson(), StandardCharsets.UTF_8);
        return report;
    }

    public static StepsReport measure(List<ModelStep> steps, SampleSet samples, LatencySettings latency)
            throws IOException, OrtException {
        double[] medians =
                LatencyProbe.medianMillis(steps.stream().map(ModelStep::model).toList(), samples, latency);
        List<float[]> firstOutputs = new ArrayList<>();
        List<StepFigures> figures = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            ModelStep step = steps.get(k);
            double quality;
            try (ModelSession session = new ModelSession(step.model(), 1)) {
                quality = samples.labelled()
                        ? QualityProbe.accuracy(session, samples)
                        : meanCosine(session, samples, firstOutputs, k == 0);
            }
            figures.add(new StepFigures(step.step(), step.model(), Files.size(step.model()), medians[k], quality));
        }
        return new StepsReport(samples.labelled(), samples.size(), latency, figures);
    }

    /** The first step records its outputs; every step is compared with them. */
    private static double meanCosine(ModelSession session, SampleSet samples, List<float[]> firstOutputs, boolean first)
            throws OrtException {
        double sum = 0;
        for (int s = 0; s < samples.size(); s++) {
            Sample sample = samples.samples().get(s);
            float[] embedding = QualityProbe.embedding(session.run(sample), sample);
            if (first) {
                firstOutputs.add(embedding);
            }
            sum += QualityProbe.cosine(firstOutputs.get(s), embedding);
        }
        return sum / samples.size();
    }
}
