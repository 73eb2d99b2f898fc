package io.fogline.node.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.node.labels.AnswerLog;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.labels.LabelledExample;
import io.fogline.routing.Router;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.policy.ThresholdCalibration;
import io.fogline.routing.score.ClassDistribution;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version about to serve is run, with ONNX Runtime, on the inputs the label store holds ground truth for, and its
 * threshold is put where what it keeps is right at least as often as the parent on the same inputs.
 */
class EscalationCalibratorTest {

    private static final String MODEL = "small";
    private static final int WIDTH = 4;
    private static final int CLASSES = 3;
    private static final ThresholdCalibration.Bounds OPEN = new ThresholdCalibration.Bounds(0, 1);
    /** Every example held out of training, so each one labelled here is one calibrated on. */
    private static final double HOLD_ALL = 1;

    @TempDir
    Path dir;

    private LabelStore store;
    private AnswerLog answers;
    private ModelManager models;
    private Path modelDirectory;

    /** One labelled input with the version's answer to it. */
    private record Scored(float[] input, int topClass, double topProbability) {}

    @BeforeEach
    void open() throws Exception {
        store = LabelStore.open(new LabelStore.Options(dir.resolve("labels.db"), 1000, Duration.ofHours(1)));
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        answers = new AnswerLog(store, () -> Instant.ofEpochMilli(now.incrementAndGet()));
        modelDirectory = Files.createDirectories(dir.resolve("models").resolve(MODEL));
        Path slot = Files.createDirectories(modelDirectory.resolve("1"));
        Network network = ModelSpec.parse("softmax").build(new int[] {WIDTH}, CLASSES, 7);
        OnnxExporter.write(network, new ExportInfo(MODEL, List.of("a", "b", "c"), "test"), slot.resolve("model.onnx"));
        Files.writeString(slot.resolve("config.json"), """
                {"routing": {"escalate_when": {"max_probability_below": 0.7},
                  "parents": [{"name": "fog", "url": "http://fog.local:8000", "model": "big"}]}}""");
        models = new ModelManager(dir.resolve("models"), InferenceObserver.NONE, Router::check);
        models.load(MODEL, SlotConfig.derive(modelDirectory, 1));
    }

    @AfterEach
    void close() {
        models.close();
        answers.close();
        store.close();
    }

    @Test
    void theVersionKeepsWhatItAnswersRightAndEscalatesWhatOnlyTheParentGetsRight() throws Exception {
        List<Scored> scored = scoredInputs(80);
        scored.sort(Comparator.comparingDouble(Scored::topProbability).reversed());
        // The surer half: answered here and right. The other half: the parent answered it, and rightly; the version
        // about to serve gets it wrong.
        for (int i = 0; i < scored.size(); i++) {
            Scored example = scored.get(i);
            int truth = i < 40 ? example.topClass() : (example.topClass() + 1) % CLASSES;
            label("r" + i, example.input(), i < 40 ? example.topClass() : truth, i < 40 ? "local" : "fog", truth);
        }

        ThresholdCalibration.Outcome outcome =
                calibrator(50, null).calibrate(models, MODEL, "1").orElseThrow();

        assertThat(outcome.calibrated()).isTrue();
        assertThat(outcome.examples()).isEqualTo(80);
        assertThat(outcome.kept()).isEqualTo(40);
        assertThat(outcome.keptCorrect()).isEqualTo(40);
        assertThat(outcome.threshold())
                .isCloseTo((scored.get(39).topProbability() + scored.get(40).topProbability()) / 2, within(1e-12));
        assertThat(outcome.meetsRule()).isTrue();
    }

    @Test
    void fewerLabelledInputsThanTheMinimumKeepTheBundlesThreshold() throws Exception {
        List<Scored> scored = scoredInputs(40);
        for (int i = 0; i < scored.size(); i++) {
            label("r" + i, scored.get(i).input(), 0, "fog", 0);
        }

        ThresholdCalibration.Outcome outcome =
                calibrator(50, null).calibrate(models, MODEL, "1").orElseThrow();

        assertThat(outcome.calibrated()).isFalse();
        assertThat(outcome.threshold()).isEqualTo(0.7);
        assertThat(outcome.describe()).isEqualTo("kept the bundle's threshold 0.7: 40 labelled examples, too few");
    }

    @Test
    void withoutEnoughOfTheParentsAnswersToMeasureItNorATargetTheBundlesThresholdStays() throws Exception {
        List<Scored> scored = scoredInputs(60);
        for (int i = 0; i < scored.size(); i++) {
            label("r" + i, scored.get(i).input(), scored.get(i).topClass(), i < 29 ? "fog" : "local", 0);
        }

        assertThat(calibrator(50, null).calibrate(models, MODEL, "1")).isEmpty();
    }

    @Test
    void aStatedTargetReplacesTheParentsAccuracy() throws Exception {
        List<Scored> scored = scoredInputs(60);
        scored.sort(Comparator.comparingDouble(Scored::topProbability).reversed());
        // Right on the surest 45, wrong on the 15 least sure: at a target of 0.9 it keeps exactly the 45.
        for (int i = 0; i < scored.size(); i++) {
            int truth = i < 45 ? scored.get(i).topClass() : (scored.get(i).topClass() + 1) % CLASSES;
            label("r" + i, scored.get(i).input(), scored.get(i).topClass(), "local", truth);
        }

        ThresholdCalibration.Outcome outcome =
                calibrator(50, 0.9).calibrate(models, MODEL, "1").orElseThrow();

        assertThat(outcome.kept()).isEqualTo(45);
        assertThat(outcome.rivalCorrectOnKept()).isCloseTo(40.5, within(1e-9));
    }

    @Test
    void theCalibratedThresholdEntersThePinnedConfigAndTheBundlesOwnConfigStaysAsSigned() throws Exception {
        String bundled = Files.readString(modelDirectory.resolve("1").resolve("config.json"));

        SlotConfig.calibrate(modelDirectory, 1, new ThresholdCalibration.Outcome(0.8125, true, 200, 150, 140, 130));
        SlotConfig.activate(modelDirectory, 1);

        RoutingPolicy served = RoutingPolicy.parse(new ObjectMapper()
                .readTree(modelDirectory.resolve("config.json").toFile())
                .get("routing"));
        assertThat(served.rules().maxProbabilityBelow()).isEqualTo(0.8125);
        assertThat(Files.readString(modelDirectory.resolve("1").resolve("config.json")))
                .isEqualTo(bundled);
        models.load(MODEL, null);
        assertThat(RoutingPolicy.parse(models.config(MODEL).routing()).rules().maxProbabilityBelow())
                .isEqualTo(0.8125);
    }

    @Test
    void onlyTheHeldOutShareOfGroundTruthIsCalibratedOnAndTeacherLabelsNever() throws Exception {
        List<Scored> scored = scoredInputs(200);
        for (int i = 0; i < scored.size(); i++) {
            label("r" + i, scored.get(i).input(), 0, "fog", 0);
        }
        CalibrationOptions options = new CalibrationOptions(OPEN, 1, null, 0.4);
        List<LabelledExample> heldOut = new ArrayList<>();
        store.forEachExample(MODEL, example -> {
            if (options.heldOut(example)) {
                heldOut.add(example);
            }
        });

        ThresholdCalibration.Outcome outcome = new EscalationCalibrator(options, store)
                .calibrate(models, MODEL, "1")
                .orElseThrow();

        assertThat(outcome.examples()).isEqualTo(heldOut.size()).isBetween(60, 100);
        LabelledExample teacher = new LabelledExample(
                MODEL,
                "1",
                "t",
                0,
                new float[WIDTH],
                new long[] {WIDTH},
                0,
                LabelledExample.Source.TEACHER,
                0.9,
                0,
                "fog");
        assertThat(options.heldOut(teacher)).isFalse();
    }

    @Test
    void optionsOutsideTheirRangesAreRefused() {
        assertThatThrownBy(() -> new CalibrationOptions(OPEN, 0, null, 0.4))
                .hasMessage("calibration needs at least 1 example, got 0");
        assertThatThrownBy(() -> new CalibrationOptions(OPEN, 10, 1.2, 0.4))
                .hasMessage("the calibration target must be within [0, 1], got 1.2");
        assertThatThrownBy(() -> new CalibrationOptions(OPEN, 10, null, 0))
                .hasMessage("the calibration holdout must be above 0 and at most 1, got 0.0");
    }

    private EscalationCalibrator calibrator(int minExamples, Double target) {
        return new EscalationCalibrator(new CalibrationOptions(OPEN, minExamples, target, HOLD_ALL), store);
    }

    /** Random inputs with the loaded version's answers to them, as the router measures them. */
    private List<Scored> scoredInputs(int count) throws Exception {
        Random random = new Random(count);
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] input = new float[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                input[j] = (float) (random.nextGaussian() * 3);
            }
            InferenceResponse response = models.infer(
                            MODEL,
                            "1",
                            InferenceRequest.of(Tensor.ofFloats(OnnxExporter.INPUT_NAME, new long[] {1, WIDTH}, input)))
                    .get(30, TimeUnit.SECONDS);
            ClassDistribution answer =
                    ClassDistribution.of(response.outputs().getFirst().toFloats(), 0, CLASSES, false);
            scored.add(new Scored(input, answer.topClass(), answer.topProbability()));
        }
        return scored;
    }

    /** An answer the node gave ({@code answered} by {@code tier}) and the ground truth a client sent for it. */
    private void label(String id, float[] input, int answered, String tier, int truth) {
        Answers.answer(answers, MODEL, id, input, CLASSES, answered, tier);
        store.label(MODEL, id, new int[] {truth}, System.currentTimeMillis());
    }
}
