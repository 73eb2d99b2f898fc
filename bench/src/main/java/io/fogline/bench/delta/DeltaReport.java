package io.fogline.bench.delta;

import io.fogline.bench.serving.Machine;
import java.util.List;
import java.util.Locale;

/** The delta benchmark's section of docs/benchmarks.md. */
final class DeltaReport {

    private DeltaReport() {}

    static String markdown(Machine machine, DeltaBenchmark.Options options, List<DeltaBenchmark.Row> rows) {
        StringBuilder text = new StringBuilder(DeltaBenchmark.HEADING).append("\n\n");
        text.append(String.format(
                Locale.ROOT,
                "`fogline bench delta --model %s --epochs %d --fine-tune-epochs %d --seed %d`: measured %s at commit"
                        + " `%s` on %d cores (%s), %s; load average %s at the start.%n%n",
                options.model(),
                options.epochs(),
                options.fineTuneEpochs(),
                options.seed(),
                machine.date(),
                machine.commit(),
                machine.cpus(),
                machine.cpuModel(),
                machine.jdk(),
                machine.loadAverageAtStart()));
        text.append("A Fashion-MNIST ")
                .append(options.model())
                .append(" trained by `learn` and exported to ONNX is the base a device runs. Each later version is"
                        + " made from it as named, exported, and sent as the delta that `FileDelta` makes against the"
                        + " base (the tensors the base holds byte for byte are copied, the rest travels), or whole"
                        + " where no tensor is shared. The rebuild is the node's: streamed from the base file and the"
                        + " delta, checked against the file's SHA-256 (median of 5); every rebuild gave the file's"
                        + " exact bytes. gzip of the whole file is shown for comparison: trained float weights barely"
                        + " compress.\n\n");
        text.append("| version | test accuracy | ONNX file | gzip of the file | what travels | share of the file"
                + " | rebuild |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (DeltaBenchmark.Row row : rows) {
            boolean isBase = row.version().equals("base");
            long travels = row.deltaBytes() != null ? row.deltaBytes() : row.fileBytes();
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f%% | %,d B | %,d B | %s | %s | %s |%n",
                    row.version(),
                    row.accuracy() * 100,
                    row.fileBytes(),
                    row.gzipBytes(),
                    isBase
                            ? "(installed)"
                            : row.deltaBytes() != null
                                    ? String.format(Locale.ROOT, "delta %,d B", travels)
                                    : String.format(Locale.ROOT, "whole file %,d B (no tensor shared)", travels),
                    isBase ? "" : String.format(Locale.ROOT, "%.2f%%", 100.0 * travels / row.fileBytes()),
                    row.deltaBytes() != null ? String.format(Locale.ROOT, "%.1f ms", row.rebuildMs()) : ""));
        }
        text.append("\nA version whose last layer alone was fine-tuned travels as little more than that layer's"
                + " weights; one whose every weight moved (every layer fine-tuned, or retrained) shares no tensor with"
                + " the base, so the control plane keeps no delta for it and the node downloads the whole file: a"
                + " byte-level diff could not do better, since every float changed in its low bits.\n");
        return text.toString();
    }
}
