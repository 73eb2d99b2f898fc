package io.fogline.optimize.report;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** An ONNX Runtime session on one model file, run one sample at a time. */
final class ModelSession implements AutoCloseable {

    /** A run's first output. */
    record Output(long[] shape, float[] values) {}

    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    private final OrtSession session;

    ModelSession(Path model, int intraOpThreads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = ENVIRONMENT.createSession(model.toString(), options);
        }
    }

    /** Inputs converted once, for runs whose timing should not include the conversion. */
    static Map<String, OnnxTensor> tensors(Sample sample) throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        for (Map.Entry<String, InputTensor> input : sample.inputs().entrySet()) {
            tensors.put(input.getKey(), input.getValue().toOrt(ENVIRONMENT));
        }
        return tensors;
    }

    static void close(Map<String, OnnxTensor> tensors) {
        tensors.values().forEach(OnnxTensor::close);
    }

    Output run(Sample sample) throws OrtException {
        Map<String, OnnxTensor> tensors = tensors(sample);
        try {
            return run(tensors);
        } finally {
            close(tensors);
        }
    }

    Output run(Map<String, OnnxTensor> tensors) throws OrtException {
        try (OrtSession.Result result = session.run(tensors)) {
            OnnxValue first = result.get(0);
            if (!(first instanceof OnnxTensor tensor) || tensor.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new OrtException("the model's first output is not a FLOAT tensor");
            }
            FloatBuffer buffer = tensor.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return new Output(tensor.getInfo().getShape(), values);
        }
    }

    /** Wall-clock nanoseconds of one run, outputs discarded. */
    long time(Map<String, OnnxTensor> tensors) throws OrtException {
        long start = System.nanoTime();
        try (OrtSession.Result ignored = session.run(tensors)) {
            return System.nanoTime() - start;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
