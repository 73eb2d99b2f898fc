package io.fogline.optimize.bench;

import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.learn.train.TrainingResult;
import io.fogline.optimize.FashionMnistModels;
import java.io.IOException;
import java.util.List;

/**
 * Prints the seconds of one warm epoch of {@code mlp:256,128} on Fashion-MNIST. Run in a JVM of its own, with and
 * without {@code --add-modules jdk.incubator.vector}, to measure what the Vector API kernels are worth.
 */
public final class EpochTimer {

    private EpochTimer() {}

    public static void main(String[] args) throws IOException {
        TrainTest data = FashionMnistModels.data();
        Network network = ModelSpec.parse("mlp:256,128").build(new int[] {784}, 10, 1);
        TrainingResult result = new Trainer(TrainingConfig.adam(2, 1))
                .fit(network, data.train(), data.train().head(0), TrainingListener.SILENT);
        System.out.println(result.epochs().getLast().duration().toMillis() / 1000.0);
    }

    /** Runs this class in a child JVM and returns what it printed. */
    static double measure(boolean vectorApi) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (vectorApi) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EpochTimer.class.getName()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        if (process.waitFor() != 0) {
            throw new IOException("epoch timer failed: " + output);
        }
        return Double.parseDouble(output.lines().reduce((first, last) -> last).orElseThrow());
    }
}
