import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.lang.management.ManagementFactory;

/**
 * Prints the CPU and wall seconds of one epoch of a model over the first N Fashion-MNIST training images, three times
 * in one JVM (the first warms the JIT). Uses only the learn API that has not changed since the first CNN, so the same
 * file runs against the kernels of any commit.
 */
public final class CnnEpochTimer {

    public static void main(String[] args) throws Exception {
        String spec = args[0];
        Dataset train = FashionMnist.load().train().head(Integer.parseInt(args[1]));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round < 3; round++) {
            var network = ModelSpec.parse(spec).build(train.sampleShape(), 10, 1);
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            new Trainer(TrainingConfig.adam(1, 1)).fit(network, train, train.head(0), TrainingListener.SILENT);
            System.out.printf(
                    "%s round %d: %d images, cpu %.2f s, wall %.2f s%n",
                    spec,
                    round,
                    train.size(),
                    (os.getProcessCpuTime() - cpu) / 1e9,
                    (System.nanoTime() - wall) / 1e9);
        }
    }
}
