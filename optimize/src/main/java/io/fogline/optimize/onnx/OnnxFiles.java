package io.fogline.optimize.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes ONNX model files, turning every way a file can be broken into a clear {@link InvalidModelException}. */
public final class OnnxFiles {

    /** Protobuf's 64 MiB default is below many real models; 2 GiB is ONNX's own limit for one file. */
    private static final int MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

    private OnnxFiles() {}

    public static ModelProto read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such ONNX model file");
        }
        if (Files.size(file) == 0) {
            throw new InvalidModelException(file + " is empty, not an ONNX model");
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
            coded.setSizeLimit(MAX_MESSAGE_BYTES);
            model = ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException(
                    file + " is not an ONNX model (truncated or not protobuf): " + e.getMessage(), e);
        }
        validate(model, file.toString());
        return model;
    }

    /**
     * Writes {@code model} to a temporary file beside {@code file} and moves it into place, so that a reader never sees
     * half a model.
     */
    public static void write(ModelProto model, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                model.writeTo(out);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Protobuf parses many byte strings that are not models (every field is optional), so a parsed message is checked
     * for what any runnable model has.
     */
    static void validate(ModelProto model, String source) throws InvalidModelException {
        if (model.getIrVersion() <= 0) {
            throw new InvalidModelException(source + " is not an ONNX model: it declares no IR version");
        }
        if (!model.hasGraph()) {
            throw new InvalidModelException(source + " is not an ONNX model: it has no graph");
        }
        GraphProto graph = model.getGraph();
        if (graph.getOutputCount() == 0 || graph.getNodeCount() == 0) {
            throw new InvalidModelException(source + " is not a usable ONNX model: its graph has "
                    + graph.getNodeCount() + " nodes and " + graph.getOutputCount() + " outputs");
        }
        for (TensorProto initializer : graph.getInitializerList()) {
            if (initializer.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new InvalidModelException(source + " keeps initializer '" + initializer.getName()
                        + "' in external data, which Fogline does not read; save the model as one file");
            }
        }
    }
}
