package io.fogline.optimize.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** One input of one model run: FLOAT or INT64 elements, row-major, with their shape. */
public sealed interface InputTensor {

    long[] shape();

    OnnxTensor toOrt(OrtEnvironment environment) throws OrtException;

    record Floats(long[] shape, float[] values) implements InputTensor {
        @Override
        public OnnxTensor toOrt(OrtEnvironment environment) throws OrtException {
            return OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape);
        }
    }

    record Longs(long[] shape, long[] values) implements InputTensor {
        @Override
        public OnnxTensor toOrt(OrtEnvironment environment) throws OrtException {
            return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
        }
    }
}
