package io.fogline.bundle.content;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;
import java.util.Arrays;
import java.util.Optional;

/** One golden input and the outputs the model must give for it. */
public record GoldenCase(InferenceRequest request, InferenceResponse expected) {

    /** What differs between {@code actual} and the expected outputs, or empty when every output is within tolerance. */
    public Optional<String> mismatch(InferenceResponse actual, Tolerance tolerance) {
        for (Tensor wanted : expected.outputs()) {
            Tensor got = actual.output(wanted.name());
            if (got == null) {
                return Optional.of("output '" + wanted.name() + "' is missing");
            }
            if (got.datatype() != wanted.datatype() || !Arrays.equals(got.shape(), wanted.shape())) {
                return Optional.of("output '" + wanted.name() + "' is " + got.datatype() + Arrays.toString(got.shape())
                        + ", expected " + wanted.datatype() + Arrays.toString(wanted.shape()));
            }
            Optional<String> difference = difference(got, wanted, tolerance);
            if (difference.isPresent()) {
                return difference;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> difference(Tensor got, Tensor wanted, Tolerance tolerance) {
        if (!TensorValues.isNumeric(wanted.datatype())) {
            return got.equals(wanted)
                    ? Optional.empty()
                    : Optional.of("output '" + wanted.name() + "' differs from the expected " + wanted.datatype());
        }
        double[] actual = TensorValues.of(got);
        double[] expected = TensorValues.of(wanted);
        boolean exact = !TensorValues.isFloatingPoint(wanted.datatype());
        for (int i = 0; i < expected.length; i++) {
            boolean equal = exact ? actual[i] == expected[i] : tolerance.accepts(actual[i], expected[i]);
            if (!equal) {
                return Optional.of("output '" + wanted.name() + "' element " + i + " is " + actual[i] + ", expected "
                        + expected[i]
                        + (exact ? "" : " within " + tolerance.absolute() + " + " + tolerance.relative() + "·|e|"));
            }
        }
        return Optional.empty();
    }
}
