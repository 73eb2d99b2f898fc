package io.fogline.learn.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxImporterTest {

    private static final int[] IMAGE = {1, 8, 8};
    private static final List<String> LABELS = List.of("a", "b", "c");

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "mlp:7", "mlp:9,5:dropout=0.2", "cnn:3", "cnn:4,2", "cnn:2:dense=6:dropout=0.1"})
    void readsBackWhatTheExporterWroteBitForBit(String spec, @TempDir Path directory) throws IOException {
        Network original = ModelSpec.parse(spec).build(IMAGE, LABELS.size(), 11);
        ExportInfo info = new ExportInfo("round-trip", LABELS, "a " + spec + " for the test");
        Path file = directory.resolve("model.onnx");
        OnnxExporter.write(original, info, file);

        OnnxImporter.Imported imported = OnnxImporter.read(file);

        assertThat(imported.info()).isEqualTo(info);
        List<Parameter> read = imported.network().parameters();
        List<Parameter> written = original.parameters();
        assertThat(read)
                .extracting(Parameter::name)
                .isEqualTo(written.stream().map(Parameter::name).toList());
        for (int k = 0; k < read.size(); k++) {
            assertThat(read.get(k).shape()).isEqualTo(written.get(k).shape());
            assertThat(read.get(k).values()).containsExactly(written.get(k).values());
        }
        float[] inputs = randomInputs(5, original.inputSize(), 3);
        assertThat(imported.network().probabilities(inputs, 5)).containsExactly(original.probabilities(inputs, 5));
        if (!spec.contains("dropout")) {
            // Dropout exports as nothing, and the names of the nodes after it count it.
            assertThat(OnnxExporter.toModel(imported.network(), imported.info()))
                    .as("exporting what was read writes the same model again")
                    .isEqualTo(OnnxExporter.toModel(original, info));
        }
    }

    @Test
    void anImportedNetworkTrainsFurther(@TempDir Path directory) throws IOException {
        Network original = ModelSpec.parse("cnn:2:dense=4").build(IMAGE, LABELS.size(), 5);
        Path file = directory.resolve("model.onnx");
        OnnxExporter.write(original, new ExportInfo("m", LABELS, ""), file);
        Network network = OnnxImporter.read(file).network();
        float[] before = network.parameters().getFirst().values().clone();
        Dataset data = new Dataset(
                randomInputs(40, 64, 8), IntStream.range(0, 40).map(k -> k % 3).toArray(), IMAGE, LABELS);

        new Trainer(TrainingConfig.adam(2, 1)).fit(network, data, data.head(0), TrainingListener.SILENT);

        assertThat(network.parameters().getFirst().values()).isNotEqualTo(before);
    }

    @Test
    void readsWhatAModelSaysAboutItselfEvenWhereItsGraphIsNoLongerOneItTakesBack(@TempDir Path directory)
            throws IOException {
        ExportInfo info = new ExportInfo("m", LABELS, "cnn:2 trained for a test");
        ModelProto model = OnnxExporter.toModel(ModelSpec.parse("cnn:2").build(IMAGE, 3, 1), info);
        Path file = directory.resolve("changed.onnx");
        Files.write(
                file, editNode(model, "Relu", node -> node.setOpType("Sigmoid")).toByteArray());

        assertThatThrownBy(() -> OnnxImporter.read(file)).isInstanceOf(UnsupportedModelException.class);
        assertThat(OnnxImporter.readInfo(file)).isEqualTo(info);
    }

    @Test
    void refusesAFileThatIsNotOnnx(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("notes.onnx"), "just some notes, not a protobuf at all\n");

        assertThatThrownBy(() -> OnnxImporter.read(file))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith(file + " is not an ONNX model");
    }

    @Test
    void refusesGraphsOfOtherShapesNamingTheNode() {
        ModelProto model =
                OnnxExporter.toModel(ModelSpec.parse("cnn:2").build(IMAGE, 3, 1), new ExportInfo("m", LABELS, ""));

        ModelProto sigmoid = editNode(model, "Relu", node -> node.setOpType("Sigmoid"));
        ModelProto strided = editNode(
                model,
                "Conv",
                node -> node.addAttribute(AttributeProto.newBuilder()
                        .setName("strides")
                        .setType(AttributeProto.AttributeType.INTS)
                        .addInts(2)
                        .addInts(2)));

        assertThatThrownBy(() -> OnnxImporter.fromModel(sigmoid))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessage("node 'layer1' (Sigmoid) is not a layer Fogline's trainer has; Fogline trains further only"
                        + " the softmax, MLP and CNN graphs that `fogline train` writes");
        assertThatThrownBy(() -> OnnxImporter.fromModel(strided))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith("node 'layer0' (Conv) has strides [2, 2], expected [1, 1]");
    }

    private static ModelProto editNode(
            ModelProto model, String opType, java.util.function.Consumer<NodeProto.Builder> edit) {
        var graph = model.getGraph().toBuilder();
        for (int k = 0; k < graph.getNodeCount(); k++) {
            if (graph.getNode(k).getOpType().equals(opType)) {
                NodeProto.Builder node = graph.getNode(k).toBuilder();
                edit.accept(node);
                graph.setNode(k, node);
                break;
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static float[] randomInputs(int count, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count * width];
        for (int k = 0; k < values.length; k++) {
            values[k] = random.nextFloat();
        }
        return values;
    }
}
