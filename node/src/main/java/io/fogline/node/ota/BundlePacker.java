package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleUnpacker;
import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.content.GoldenCase;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.bundle.content.ReferenceStats;
import io.fogline.bundle.content.Tolerance;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.routing.Router;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Packs a model directory into a bundle. The golden expected outputs are computed by running the golden inputs
 * through the model itself, with the same loader and config a node will use, so a bundle's golden test checks the
 * node against the packer's own ONNX Runtime; a ready golden.json can be given instead. reference-stats.json is
 * computed from a representative sample of inputs run through the model the same way (the training or validation
 * data, of which a handful of golden cases is no fair picture), or from the golden cases when none is given.
 */
public final class BundlePacker {

    /** Where the golden cases come from. */
    public sealed interface Golden {
        /** Inputs to run through the model; its outputs become the expected ones. */
        record Inputs(List<InferenceRequest> requests, Tolerance tolerance) implements Golden {}

        /** A golden.json written elsewhere, taken as it is. */
        record Given(Path file) implements Golden {}
    }

    private BundlePacker() {}

    public static Manifest pack(
            Path modelDirectory, String model, long version, Golden golden, Optional<SigningKey> key, Path out)
            throws IOException, BundleException {
        return pack(modelDirectory, model, version, golden, List.of(), key, out);
    }

    /** @param referenceInputs the sample the reference statistics describe; empty: the golden cases */
    public static Manifest pack(
            Path modelDirectory,
            String model,
            long version,
            Golden golden,
            List<InferenceRequest> referenceInputs,
            Optional<SigningKey> key,
            Path out)
            throws IOException, BundleException {
        Path work = Files.createTempDirectory("fogline-pack");
        try {
            Path slot = Files.createDirectories(work.resolve(model).resolve(String.valueOf(version)));
            copyTree(modelDirectory, slot);
            GoldenSet cases =
                    switch (golden) {
                        case Golden.Given given -> GoldenSet.parse(Files.readAllBytes(given.file()));
                        case Golden.Inputs inputs -> record(work, model, version, inputs);
                    };
            Files.write(slot.resolve(BundleWriter.GOLDEN), cases.toJson());
            List<GoldenCase> reference = referenceInputs.isEmpty()
                    ? cases.cases()
                    : record(work, model, version, new Golden.Inputs(referenceInputs, Tolerance.DEFAULT))
                            .cases();
            Files.write(slot.resolve(BundleWriter.REFERENCE_STATS), ReferenceStats.of(reference));
            return BundleWriter.pack(slot, model, version, Instant.now(), key, out);
        } finally {
            BundleUnpacker.deleteTree(work);
        }
    }

    private static GoldenSet record(Path repository, String model, long version, Golden.Inputs inputs)
            throws IOException {
        if (inputs.requests().isEmpty()) {
            throw new IllegalArgumentException("at least one golden input is needed");
        }
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE, Router::check)) {
            models.load(model, SlotConfig.derive(repository.resolve(model), version));
            return GoldenRunner.record(models, model, String.valueOf(version), inputs.requests(), inputs.tolerance());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("running the golden inputs failed: " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException, BundleException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk.sorted()::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    throw new BundleException(
                            Refusal.LINK_ENTRY, source + " is a symbolic link; bundles hold files only");
                }
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
