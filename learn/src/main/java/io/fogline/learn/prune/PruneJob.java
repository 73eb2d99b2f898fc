package io.fogline.learn.prune;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Splits;
import io.fogline.learn.distill.Distillation;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Loss;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code fogline optimize prune}: removes the least important share of hidden units and channels in one or more
 * rounds, fine-tuning briefly after each (on the labels, or on a teacher's answers), and writes the smaller network.
 */
public final class PruneJob {

    /** Examples the importance of units is measured on. */
    static final int IMPORTANCE_SAMPLES = 2_000;

    /**
     * @param network the trained network to prune (left as it is)
     * @param info the name, labels and description written into the output
     * @param train labelled examples to fine-tune on; a share is held out for validation
     * @param test examples to measure the network on before and after
     * @param fraction the share of each prunable layer's units to remove in all
     * @param rounds how many prune-and-fine-tune steps to reach it in; each removes an equal share of what is left
     * @param fineTuning the training after each round (its epochs are per round)
     * @param augmentation applied to images while fine-tuning
     * @param distillation a teacher to fine-tune on, or none for the labels alone
     * @param validationFraction held out of {@code train}
     * @param output the ONNX file to write
     */
    public record Options(
            Network network,
            ExportInfo info,
            Dataset train,
            Dataset test,
            double fraction,
            int rounds,
            TrainingConfig fineTuning,
            Augmentation augmentation,
            Optional<Distillation> distillation,
            double validationFraction,
            Path output) {

        public Options {
            if (!(fraction > 0 && fraction < 1) || rounds < 1) {
                throw new IllegalArgumentException(
                        "the share to prune must be in (0, 1) and rounds at least 1, not " + fraction + ", " + rounds);
            }
        }
    }

    /** One round: the widths of the prunable layers after it and the accuracy before and after fine-tuning. */
    public record Round(List<Integer> widths, double prunedAccuracy, double fineTunedAccuracy) {}

    /**
     * @param widthsBefore the units of each prunable layer before pruning
     * @param accuracyBefore the network's accuracy on the test examples before pruning
     */
    public record Result(
            Network network,
            List<Integer> widthsBefore,
            double accuracyBefore,
            List<Round> rounds,
            long parametersBefore,
            long parametersAfter) {

        public double accuracyAfter() {
            return rounds.getLast().fineTunedAccuracy();
        }
    }

    private PruneJob() {}

    public static Result run(Options options, TrainingListener listener) throws IOException {
        Splits.TrainValidation split = Splits.holdOut(
                options.train(),
                options.validationFraction(),
                options.fineTuning().seed());
        Dataset train = split.train();
        Dataset sample = train.head(IMPORTANCE_SAMPLES);
        Loss loss = options.distillation().isPresent()
                ? options.distillation().get().lossFor(train)
                : Loss.CROSS_ENTROPY;
        // Keeping k of n in r equal steps keeps (k/n)^(1/r) of what is left each time.
        double keepPerRound = Math.pow(1 - options.fraction(), 1.0 / options.rounds());
        Network network = options.network();
        List<Integer> widthsBefore = widths(network);
        double accuracyBefore = Evaluation.accuracy(network, options.test());
        List<Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            double keep = Math.pow(keepPerRound, round);
            List<Integer> target = widthsBefore.stream()
                    .map(width -> Math.max(1, (int) Math.round(width * keep)))
                    .toList();
            network = Pruner.prune(network, target, sample);
            double pruned = Evaluation.accuracy(network, options.test());
            new Trainer(options.fineTuning())
                    .withLoss(loss)
                    .withAugmentation(options.augmentation())
                    .fit(network, train, split.validation(), listener);
            rounds.add(new Round(widths(network), pruned, Evaluation.accuracy(network, options.test())));
        }
        OnnxExporter.write(network, options.info(), options.output());
        return new Result(
                network,
                widthsBefore,
                accuracyBefore,
                rounds,
                options.network().parameterCount(),
                network.parameterCount());
    }

    /** The units of each prunable layer. */
    public static List<Integer> widths(Network network) {
        return Pruner.prunableLayers(network).stream()
                .map(k -> network.layers().get(k).outputShape()[0])
                .toList();
    }
}
