package io.fogline.cli;

import io.fogline.bundle.Bundle;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleSignature;
import io.fogline.bundle.BundleVerifier;
import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.KeyList;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.TrustedKey;
import io.fogline.bundle.VerifiedManifest;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.bundle.content.Tolerance;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.node.ota.BundlePacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fogline bundle}: make, sign, check and read signed model bundles (docs/protocol.md). */
@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = "Make, sign, verify and inspect signed model bundles (.fbundle).",
        subcommands = {
            BundleCommand.Keygen.class,
            BundleCommand.Pack.class,
            BundleCommand.Sign.class,
            BundleCommand.Verify.class,
            BundleCommand.Inspect.class,
            BundleCommand.Trust.class,
            BundleCommand.KeyListCommand.class
        })
final class BundleCommand {

    /** Exit status of a bundle that was refused: its reason is printed. */
    static final int REFUSED = 3;

    private static final int FAILED = 2;

    private BundleCommand() {}

    private interface Work {
        int run() throws IOException, BundleException;
    }

    private static int guarded(Work work) {
        try {
            return work.run();
        } catch (BundleException e) {
            System.err.println("fogline: refused: " + e.getMessage());
            return REFUSED;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("fogline: " + e.getMessage());
            return FAILED;
        }
    }

    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = "Generate an Ed25519 signing key; its public half goes to a .pub.json file beside it.")
    static final class Keygen implements Callable<Integer> {

        @Option(names = "--out", required = true, description = "Key file to write (readable by its owner only).")
        Path out;

        @Option(names = "--trusted-keys", description = "Also add the public key to this trust store file.")
        Path trustedKeys;

        @Override
        public Integer call() {
            return guarded(() -> {
                if (Files.exists(out)) {
                    throw new IOException(out + " exists; refusing to overwrite a signing key");
                }
                SigningKey key = SigningKey.generate();
                key.write(out);
                Path publicFile =
                        out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".pub.json");
                key.trusted().write(publicFile);
                if (trustedKeys != null) {
                    TrustStore store = Files.exists(trustedKeys) ? TrustStore.load(trustedKeys) : TrustStore.of();
                    store.with(key.trusted()).save(trustedKeys);
                }
                System.out.printf("key %s written to %s, public key to %s%n", key.keyId(), out, publicFile);
                return 0;
            });
        }
    }

    /** Where the golden cases come from: inputs to run through the model, or a golden.json. */
    static final class GoldenSource {
        @Option(
                names = "--golden-inputs",
                description = "JSON array of Open Inference Protocol requests; the model's own outputs for them"
                        + " become the expected outputs.")
        Path inputs;

        @Option(names = "--golden", description = "A ready golden.json, taken as it is.")
        Path golden;
    }

    @Command(
            name = "pack",
            description = "Pack a model directory (model.onnx, config.json, labels.txt, ...) into a bundle, with"
                    + " golden cases and reference statistics; signed when --key is given.")
    static final class Pack implements Callable<Integer> {

        @Mixin
        HelpOption help;

        @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Directory holding model.onnx and its files.")
        Path directory;

        @Option(names = "--model", required = true, description = "Model name.")
        String model;

        @Option(names = "--version", required = true, description = "Model version (the numbered directory).")
        long version;

        @ArgGroup(exclusive = true, multiplicity = "1")
        GoldenSource goldenSource;

        @Option(
                names = "--reference-inputs",
                description = "JSON array of Open Inference Protocol requests that represent the traffic (a sample of"
                        + " the training or validation data): the reference statistics drift is judged against"
                        + " describe the model's inputs and outputs for them. Without it, the golden cases; drift is"
                        + " judged only against 100 samples or more.")
        Path referenceInputs;

        @Option(
                names = "--tolerance-absolute",
                defaultValue = "1e-4",
                description = "Absolute tolerance of floating-point outputs (default ${DEFAULT-VALUE}).")
        double absolute;

        @Option(
                names = "--tolerance-relative",
                defaultValue = "1e-3",
                description = "Relative tolerance of floating-point outputs (default ${DEFAULT-VALUE}).")
        double relative;

        @Option(names = "--key", description = "Signing key file; without it the bundle is packed unsigned.")
        Path key;

        @Option(names = "--out", required = true, description = "The .fbundle file to write.")
        Path out;

        @Override
        public Integer call() {
            return guarded(() -> {
                BundlePacker.Golden golden = goldenSource.golden != null
                        ? new BundlePacker.Golden.Given(goldenSource.golden)
                        : new BundlePacker.Golden.Inputs(
                                GoldenSet.parseRequests(Files.readAllBytes(goldenSource.inputs)),
                                new Tolerance(absolute, relative));
                Optional<SigningKey> signer = key == null ? Optional.empty() : Optional.of(SigningKey.read(key));
                List<InferenceRequest> reference = referenceInputs == null
                        ? List.of()
                        : GoldenSet.parseRequests(Files.readAllBytes(referenceInputs));
                Manifest manifest = BundlePacker.pack(directory, model, version, golden, reference, signer, out);
                System.out.printf(
                        "packed %s version %d into %s: %d files, digest %s, %s%n",
                        model,
                        version,
                        out,
                        manifest.files().size(),
                        manifest.digest(),
                        signer.map(k -> "signed by " + k.keyId()).orElse("unsigned"));
                return 0;
            });
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign a packed bundle in place.")
    static final class Sign implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--key", required = true, description = "Signing key file.")
        Path key;

        @Override
        public Integer call() {
            return guarded(() -> {
                BundleSignature signature = BundleWriter.sign(bundle, SigningKey.read(key));
                System.out.printf("signed %s with %s%n", bundle, signature.keyId());
                return 0;
            });
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check a bundle as a node would: structure, every file's size and SHA-256, the signature"
                    + " and the signer's trust. Exit status 3 and the reason when it is refused.")
    static final class Verify implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--trusted-keys", required = true, description = "Trust store file.")
        Path trustedKeys;

        @Override
        public Integer call() {
            return guarded(() -> {
                VerifiedManifest verified =
                        new BundleVerifier(TrustStore.load(trustedKeys)).verify(Bundle.open(bundle));
                System.out.printf(
                        "verified %s version %d, digest %s, signed by %s%n",
                        verified.manifest().model(),
                        verified.manifest().version(),
                        verified.digest(),
                        verified.keyId());
                return 0;
            });
        }
    }

    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = "Print a bundle's manifest, digest and signer (its structure and files are checked; its"
                    + " signature is not: use verify).")
    static final class Inspect implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Override
        public Integer call() {
            return guarded(() -> {
                Bundle opened = Bundle.open(bundle);
                Manifest manifest = opened.manifest();
                System.out.printf("model     %s%n", manifest.model());
                System.out.printf("version   %d%n", manifest.version());
                System.out.printf("created   %s%n", manifest.created());
                System.out.printf("digest    %s%n", opened.digest());
                System.out.printf(
                        "signed by %s%n",
                        opened.signatureBytes().isPresent()
                                ? BundleSignature.parse(opened.signatureBytes().get())
                                        .keyId()
                                : "nobody (unsigned)");
                for (ManifestFile file : manifest.files()) {
                    System.out.printf("%12d  %s  %s%n", file.size(), file.sha256(), file.path());
                }
                return 0;
            });
        }
    }

    @Command(
            name = "trust",
            mixinStandardHelpOptions = true,
            description = "Edit a trust store file: add a public key, or retire one after a cut-off.")
    static final class Trust implements Callable<Integer> {

        @Option(names = "--trusted-keys", required = true, description = "Trust store file (created when absent).")
        Path trustedKeys;

        @Option(names = "--add", description = "Public key file (.pub.json) to trust.")
        Path add;

        @Option(
                names = "--add-root",
                description = "Public key file (.pub.json) of a root key, trusted to sign key lists (bundle key-list).")
        Path addRoot;

        @Option(names = "--retire", description = "Key id to retire.")
        String retire;

        @Option(
                names = "--after",
                description = "Cut-off of --retire (ISO-8601 instant, e.g. 2027-01-01T00:00:00Z); now when absent.")
        Instant after;

        @Override
        public Integer call() {
            return guarded(() -> {
                TrustStore store = Files.exists(trustedKeys) ? TrustStore.load(trustedKeys) : TrustStore.of();
                if (add != null) {
                    store = store.with(TrustedKey.read(add));
                }
                if (addRoot != null) {
                    store = store.withRoot(TrustedKey.read(addRoot));
                }
                if (retire != null) {
                    store = store.retire(retire, after == null ? Instant.now() : after);
                }
                store.save(trustedKeys);
                for (TrustedKey key : store.keys()) {
                    System.out.printf(
                            "%s%s%n",
                            key.keyId(),
                            key.retiredAfter()
                                    .map(cutOff -> "  retired after " + cutOff)
                                    .orElse(""));
                }
                return 0;
            });
        }
    }

    @Command(
            name = "key-list",
            mixinStandardHelpOptions = true,
            description = {
                "Make a key list signed by a root key: the signing keys nodes trust from now on, and the keys they"
                        + " refuse. Upload it with 'fogline publish-key-list'; nodes whose trust store holds the root"
                        + " follow it (docs/protocol.md, Key lists)."
            })
    static final class KeyListCommand implements Callable<Integer> {

        @Option(names = "--root-key", required = true, description = "The root's signing key file (.key.json).")
        Path rootKey;

        @Option(names = "--key", description = "A signing key's public key file (.pub.json) to list; repeatable.")
        List<Path> keys = new ArrayList<>();

        @Option(names = "--revoke", description = "Id of a key nodes must refuse from now on; repeatable.")
        List<String> revoked = new ArrayList<>();

        @Option(
                names = "--sequence",
                required = true,
                description = "Number of this list, higher than every list uploaded before.")
        long sequence;

        @Option(names = "--out", required = true, description = "The signed key list file to write.")
        Path out;

        @Override
        public Integer call() {
            return guarded(() -> {
                List<TrustedKey> listed = new ArrayList<>();
                for (Path key : keys) {
                    listed.add(TrustedKey.read(key));
                }
                KeyList list = new KeyList(sequence, Instant.now().truncatedTo(ChronoUnit.SECONDS), listed, revoked);
                Files.write(out, list.sign(SigningKey.read(rootKey)));
                System.out.printf(
                        "key list %d: %d keys, %d revoked, signed by %s, written to %s%n",
                        sequence,
                        listed.size(),
                        list.revoked().size(),
                        SigningKey.read(rootKey).keyId(),
                        out);
                return 0;
            });
        }
    }
}
