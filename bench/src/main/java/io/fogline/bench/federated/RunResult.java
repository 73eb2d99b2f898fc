package io.fogline.bench.federated;

import java.util.List;

/** A finished run: its experiment and every round. */
record RunResult(Experiment experiment, List<RoundRecord> rounds, double seconds) {

    double finalAccuracy() {
        return rounds.getLast().accuracy();
    }

    double bestAccuracy() {
        return rounds.stream().mapToDouble(RoundRecord::accuracy).max().orElse(Double.NaN);
    }

    /** Median bytes the clients uploaded per round. */
    long uploadBytesPerRound() {
        long[] bytes =
                rounds.stream().mapToLong(RoundRecord::uploadBytes).sorted().toArray();
        return bytes[bytes.length / 2];
    }
}
