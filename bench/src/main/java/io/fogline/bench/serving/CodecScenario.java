package io.fogline.bench.serving;

import io.fogline.bench.codec.InferenceCodecBenchmark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The codec micro-benchmarks of the serving run, apart from it: they need JMH, which the runnable jar leaves out, so
 * {@code fogline bench serving} runs without them and {@code bench/run-serving.sh} with them.
 */
final class CodecScenario {

    private CodecScenario() {}

    static void measure(ServingReport report) throws RunnerException {
        ServingBenchmark.progress("codec micro-benchmarks (JMH, one fork, 3 × 1 s warm-up, 5 × 1 s measured)");
        List<RunResult> results = new ArrayList<>(new Runner(new OptionsBuilder()
                        .include(InferenceCodecBenchmark.class.getName())
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(1))
                        .verbosity(VerboseMode.SILENT)
                        .build())
                .run());
        results.sort(
                Comparator.comparing((RunResult result) -> result.getParams().getBenchmark())
                        .thenComparing(result -> result.getParams().getParam("encoding")));
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            ServingReport.CodecResult codec = new ServingReport.CodecResult(
                    benchmark.substring(benchmark.lastIndexOf('.') + 1),
                    result.getParams().getParam("encoding"),
                    result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError());
            report.addCodec(codec);
            ServingBenchmark.progress(
                    "%-16s %-7s %8.0f ns/op ± %.0f",
                    codec.benchmark(), codec.encoding(), codec.nanosPerOp(), codec.error());
        }
    }
}
