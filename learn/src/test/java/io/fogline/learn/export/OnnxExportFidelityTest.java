package io.fogline.learn.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime, given the exported file, computes what the Java forward pass computes, on the whole test set. */
class OnnxExportFidelityTest {

    private static final double TOLERANCE = 1e-5;

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();
    private static TrainTest data;
    private static Network network;
    private static OrtSession session;

    @BeforeAll
    static void trainAndExport(@TempDir Path directory) throws IOException, OrtException {
        data = FashionMnist.load();
        network = ModelSpec.parse("mlp:64,32:dropout=0.1").build(new int[] {784}, 10, 3);
        new Trainer(TrainingConfig.adam(2, 3))
                .fit(network, data.train().head(10_000), data.test().head(0), TrainingListener.SILENT);
        Path file = directory.resolve("model.onnx");
        OnnxExporter.write(network, new ExportInfo("fidelity", FashionMnist.CLASS_NAMES, "test model"), file);
        session = ORT.createSession(file.toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void close() throws OrtException {
        session.close();
    }

    @Test
    void runtimeProbabilitiesMatchTheJavaForwardPassOnAllTenThousandTestImages() throws OrtException {
        assertRuntimeMatchesJava(network, session);
    }

    @Test
    void convolutionalNetworksExportFaithfullyToo(@TempDir Path directory) throws IOException, OrtException {
        Network cnn = ModelSpec.parse("cnn:4,8").build(new int[] {1, 28, 28}, 10, 4);
        new Trainer(TrainingConfig.adam(1, 4).withLearningRate(3e-3))
                .fit(cnn, data.train().head(3_000), data.test().head(0), TrainingListener.SILENT);
        Path file = directory.resolve("cnn.onnx");
        OnnxExporter.write(cnn, new ExportInfo("cnn", FashionMnist.CLASS_NAMES, "test model"), file);

        try (OrtSession cnnSession = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertThat(((TensorInfo) cnnSession
                                    .getInputInfo()
                                    .get(OnnxExporter.INPUT_NAME)
                                    .getInfo())
                            .getShape())
                    .containsExactly(-1, 784);
            assertRuntimeMatchesJava(cnn, cnnSession);
        }
    }

    private static void assertRuntimeMatchesJava(Network model, OrtSession runtime) throws OrtException {
        Dataset test = data.test();
        float[] expected = Evaluation.probabilities(model, test);
        float[] actual = new float[expected.length];
        int chunk = 2_500;
        for (int start = 0; start < test.size(); start += chunk) {
            float[] batch = Arrays.copyOfRange(test.features(), start * 784, (start + chunk) * 784);
            System.arraycopy(run(runtime, batch, chunk), 0, actual, start * 10, chunk * 10);
        }

        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        assertThat(worst).isLessThanOrEqualTo(TOLERANCE);
        assertThat(Evaluation.accuracy(actual, test.labels(), 10))
                .isEqualTo(Evaluation.accuracy(expected, test.labels(), 10))
                .isGreaterThan(0.6);
    }

    @Test
    void batchDimensionIsDynamic() throws OrtException {
        float[] one = Arrays.copyOf(data.test().features(), 784);

        float[] probabilities = run(session, one, 1);

        assertThat(probabilities).hasSize(10);
        assertThat(sum(probabilities)).isCloseTo(1.0, within(1e-5));
        Map<String, NodeInfo> inputs = session.getInputInfo();
        assertThat(inputs).containsOnlyKeys(OnnxExporter.INPUT_NAME);
        assertThat(((TensorInfo) inputs.get(OnnxExporter.INPUT_NAME).getInfo()).getShape())
                .containsExactly(-1, 784);
        assertThat(session.getOutputNames()).containsExactly(OnnxExporter.OUTPUT_NAME);
    }

    @Test
    void labelsTravelInTheMetadata() throws OrtException {
        String labels = session.getMetadata().getCustomMetadata().get(OnnxExporter.LABELS_METADATA_KEY);

        assertThat(labels)
                .isEqualTo("[\"T-shirt/top\",\"Trouser\",\"Pullover\",\"Dress\",\"Coat\",\"Sandal\",\"Shirt\","
                        + "\"Sneaker\",\"Bag\",\"Ankle boot\"]");
        assertThat(session.getMetadata().getProducerName()).isEqualTo("fogline");
    }

    private static float[] run(OrtSession runtime, float[] features, int batch) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(features), new long[] {batch, 784});
                OrtSession.Result result = runtime.run(Map.of(OnnxExporter.INPUT_NAME, input))) {
            FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[output.remaining()];
            output.get(values);
            return values;
        }
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }
}
