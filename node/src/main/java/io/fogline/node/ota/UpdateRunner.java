package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleSignature;
import io.fogline.bundle.BundleUnpacker;
import io.fogline.bundle.BundleVerifier;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.Sha256;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.VerifiedManifest;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.core.device.Quality;
import io.fogline.core.device.UpdateStatus;
import io.fogline.routing.Router;
import io.fogline.routing.policy.ThresholdCalibration;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.repository.RepositoryModel;
import io.fogline.runtime.stats.InferenceObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Takes one update action through its steps: download what is missing, verify, unpack into the inactive slot, load
 * it beside the serving model, run its golden inputs, switch, report. Each step is stored before its work starts;
 * a resumed action redoes the untested steps from the start (they are idempotent and the blobs are already here).
 * A failure removes the unpacked slot and reports why; the active slot is never touched until the switch.
 */
final class UpdateRunner {

    private static final System.Logger LOG = System.getLogger(UpdateRunner.class.getName());

    private final UpdateStore store;
    private final ControlClient control;
    private final BlobStore blobs;
    private final Path bundles;
    private final KeyListFollower trust;
    private final Path repository;
    private final ModelManager served;
    private final EscalationCalibrator calibrator;

    /** @param calibrator calibrates each new version's escalation threshold before its golden run; null for none */
    UpdateRunner(
            UpdateStore store,
            ControlClient control,
            BlobStore blobs,
            Path bundles,
            KeyListFollower trust,
            Path repository,
            ModelManager served,
            EscalationCalibrator calibrator) {
        this.calibrator = calibrator;
        this.store = store;
        this.control = control;
        this.blobs = blobs;
        this.bundles = bundles;
        this.trust = trust;
        this.repository = repository;
        this.served = served;
    }

    /**
     * Removes the slots of actions that stopped before their golden test passed, so the models that load at start
     * are only ever tested ones. Runs before the node loads its models.
     */
    static void recover(UpdateStore store, Path repository) throws IOException {
        for (UpdateStore.Action action : store.unfinished()) {
            if (action.step().slotTested()) {
                continue;
            }
            Path modelDirectory = repository.resolve(action.model());
            Path slot = modelDirectory.resolve(String.valueOf(action.version()));
            boolean active = store.slots(action.model())
                    .filter(slots -> slots.activeVersion() == action.version())
                    .isPresent();
            if (!active) {
                BundleUnpacker.deleteTree(slot);
            }
            BundleUnpacker.deleteTree(BundleUnpacker.stagingFor(slot));
            try (Stream<Path> left = Files.exists(modelDirectory) ? Files.list(modelDirectory) : Stream.empty()) {
                if (Files.exists(modelDirectory) && left.findAny().isEmpty()) {
                    Files.delete(modelDirectory);
                }
            }
        }
    }

    /** Records a new action and runs it. */
    void start(UpdateStore.Action action, UpdateStore.Credential credential) throws IOException {
        Optional<UpdateStore.Slots> slots = store.slots(action.model());
        if (slots.filter(s -> s.activeVersion() == action.version()
                        && s.activeBundle().equals(action.bundle()))
                .isPresent()) {
            store.start(action, null);
            store.conclude(
                    action.actionId(),
                    "switched",
                    null,
                    null,
                    seq -> report(seq, action, UpdateStatus.SWITCHED, null, null));
            finish(action.actionId(), credential);
            return;
        }
        store.start(action, seq -> report(seq, action, Step.DOWNLOADING.status(), null, null));
        run(action.actionId(), credential);
    }

    /** Runs or resumes an action to its end. Throws {@link IOException} when the control plane cannot be reached. */
    void run(long actionId, UpdateStore.Credential credential) throws IOException {
        UpdateStore.Action action = store.action(actionId).orElseThrow();
        try {
            if (!action.step().slotTested()) {
                test(action, credential);
            }
            if (current(actionId).step() == Step.SWITCHING) {
                switchTo(current(actionId));
            }
        } catch (BundleException e) {
            fail(action, e.refusal().code(), e.detail(), null);
        } catch (StepFailure e) {
            fail(action, e.code, e.detail, e.quality);
        }
        finish(actionId, credential);
    }

    /** Ends an action that a newer one for the same model replaced before it finished. */
    void supersede(long actionId, long by, UpdateStore.Credential credential) throws IOException {
        fail(current(actionId), "superseded", "action " + by + " replaced it", null);
        finish(actionId, credential);
    }

    /** Sends what is queued, oldest first; stops at the first report the control plane cannot take now. */
    void flush(UpdateStore.Credential credential) throws IOException {
        for (UpdateStore.Report report : store.outbox()) {
            try {
                control.feedback(credential, report.body());
            } catch (ControlClient.ControlException e) {
                if (e.status != 400 && e.status != 409) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "report {0} refused, dropped: {1}", report.seq(), e.getMessage());
            }
            store.acknowledged(report.seq());
        }
    }

    private void test(UpdateStore.Action action, UpdateStore.Credential credential)
            throws IOException, BundleException, StepFailure {
        checkVersionIsFree(action);
        enter(action, Step.DOWNLOADING);
        fetch(action, credential);
        enter(action, Step.VERIFYING);
        VerifiedManifest verified = verify(action);
        enter(action, Step.UNPACKING);
        Path modelDirectory = Files.createDirectories(repository.resolve(action.model()));
        Path slot = modelDirectory.resolve(String.valueOf(action.version()));
        BundleUnpacker.deleteTree(slot);
        BundleUnpacker.assemble(verified, blobs::blob, slot);
        enter(action, Step.LOADING);
        try (ModelManager probe = new ModelManager(repository, InferenceObserver.NONE, Router::check)) {
            try {
                probe.load(action.model(), SlotConfig.derive(modelDirectory, action.version()));
            } catch (RuntimeException | IOException e) {
                throw new StepFailure("load_failed", e.getMessage());
            }
            enter(action, Step.TESTING);
            calibrate(probe, action, modelDirectory);
            GoldenSet golden;
            try {
                golden = GoldenSet.parse(
                        Files.readAllBytes(slot.resolve(verified.manifest().golden())));
            } catch (IllegalArgumentException e) {
                throw new StepFailure("golden_failed", e.getMessage());
            }
            GoldenRunner.Outcome outcome =
                    GoldenRunner.check(probe, action.model(), String.valueOf(action.version()), golden);
            if (!outcome.passed()) {
                throw new StepFailure("golden_failed", outcome.failure(), Reports.quality(outcome));
            }
            store.advance(action.actionId(), Step.SWITCHING, Reports.quality(outcome), null);
        }
    }

    /**
     * Calibrates the version's escalation threshold and loads it again with it, so that the golden run, the report and
     * the switch all see the threshold the version will serve at.
     */
    private void calibrate(ModelManager probe, UpdateStore.Action action, Path modelDirectory) throws StepFailure {
        if (calibrator == null) {
            return;
        }
        String version = String.valueOf(action.version());
        Optional<ThresholdCalibration.Outcome> outcome;
        try {
            outcome = calibrator.calibrate(probe, action.model(), version);
        } catch (Exception e) {
            // A better threshold is worth having, not worth refusing a version that passed its tests.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "''{0}'' version {1} keeps the bundle''s escalation threshold, calibration failed: {2}",
                    action.model(),
                    version,
                    e.getMessage());
            return;
        }
        if (outcome.isEmpty()) {
            return;
        }
        LOG.log(
                System.Logger.Level.INFO,
                "''{0}'' version {1}: {2}",
                action.model(),
                version,
                outcome.get().describe());
        if (!outcome.get().calibrated()) {
            return;
        }
        try {
            SlotConfig.calibrate(modelDirectory, action.version(), outcome.get());
            probe.load(action.model(), SlotConfig.derive(modelDirectory, action.version()));
        } catch (RuntimeException | IOException e) {
            throw new StepFailure("load_failed", e.getMessage());
        }
    }

    private void checkVersionIsFree(UpdateStore.Action action) throws StepFailure {
        Optional<UpdateStore.Slots> slots = store.slots(action.model());
        boolean taken = slots.isPresent()
                ? slots.get().activeVersion() == action.version()
                : servedVersions(action.model()).contains(action.version());
        if (taken) {
            throw new StepFailure(
                    "version_conflict",
                    "version " + action.version() + " of '" + action.model() + "' already runs from another bundle");
        }
    }

    /** Downloads manifest, signature and the files the node lacks; the signature is checked before any file. */
    private void fetch(UpdateStore.Action action, UpdateStore.Credential credential)
            throws IOException, BundleException, StepFailure {
        followKeyList(credential);
        Path directory = bundles.resolve(action.bundle());
        if (!Files.exists(directory.resolve(BundleSignature.FILE_NAME))) {
            byte[] manifest = control.bundleDocument(credential, action.bundle(), "manifest");
            byte[] signature = control.bundleDocument(credential, action.bundle(), "signature");
            if (!Sha256.of(manifest).equals(action.bundle())) {
                throw new StepFailure(
                        "manifest_mismatch",
                        "the manifest served has digest " + Sha256.of(manifest) + ", not " + action.bundle());
            }
            Files.createDirectories(directory);
            writeAtomically(directory.resolve(Manifest.FILE_NAME), manifest);
            writeAtomically(directory.resolve(BundleSignature.FILE_NAME), signature);
        }
        VerifiedManifest verified = verifySignature(action);
        Map<String, String> running = runningFiles(action.model());
        for (ManifestFile file : verified.manifest().files()) {
            if (blobs.has(file)) {
                continue;
            }
            String base = running.get(file.path());
            if (base == null
                    || !blobs.rebuild(
                            file, base, into -> control.delta(credential, base, file.sha256(), file.size(), into))) {
                control.download(credential, file, blobs.part(file.sha256()));
            }
            blobs.complete(file);
        }
    }

    /** Takes the control plane's key list when a root signed it and it is newer; keeps the one followed otherwise. */
    private void followKeyList(UpdateStore.Credential credential) throws IOException {
        Optional<byte[]> served = control.keyList(credential);
        if (served.isEmpty()) {
            return;
        }
        try {
            trust.offer(served.get());
        } catch (BundleException e) {
            LOG.log(System.Logger.Level.WARNING, "key list refused, the one followed stays: {0}", e.getMessage());
        }
    }

    /**
     * The ONNX files of the bundle the model serves now, path to SHA-256, where the node still holds them: the bases
     * a delta may rebuild a new version's file from (deltas copy unchanged tensors, so other files have none).
     */
    private Map<String, String> runningFiles(String model) throws IOException {
        Optional<UpdateStore.Slots> slots = store.slots(model);
        if (slots.isEmpty()) {
            return Map.of();
        }
        Path manifest = bundles.resolve(slots.get().activeBundle()).resolve(Manifest.FILE_NAME);
        if (!Files.exists(manifest)) {
            return Map.of();
        }
        try {
            Map<String, String> files = new HashMap<>();
            for (ManifestFile file :
                    Manifest.parse(Files.readAllBytes(manifest)).files()) {
                if (file.path().endsWith(".onnx") && blobs.has(file)) {
                    files.put(file.path(), file.sha256());
                }
            }
            return files;
        } catch (BundleException e) {
            return Map.of();
        }
    }

    private VerifiedManifest verify(UpdateStore.Action action) throws IOException, BundleException, StepFailure {
        VerifiedManifest verified = verifySignature(action);
        for (ManifestFile file : verified.manifest().files()) {
            Path blob = blobs.blob(file.sha256());
            if (!Files.exists(blob)) {
                throw new BundleException(Refusal.MISSING_FILE, "'" + file.path() + "' was never downloaded");
            }
            if (Files.size(blob) != file.size() || !Sha256.of(blob).equals(file.sha256())) {
                Files.delete(blob);
                throw new BundleException(
                        Refusal.DIGEST_MISMATCH, "'" + file.path() + "' changed on disk after it was downloaded");
            }
        }
        return verified;
    }

    private VerifiedManifest verifySignature(UpdateStore.Action action)
            throws IOException, BundleException, StepFailure {
        Path directory = bundles.resolve(action.bundle());
        TrustStore trusted;
        try {
            trusted = trust.trust();
        } catch (IOException e) {
            throw new StepFailure("trust_store", e.getMessage());
        }
        VerifiedManifest verified = new BundleVerifier(trusted)
                .verify(
                        Files.readAllBytes(directory.resolve(Manifest.FILE_NAME)),
                        Files.readAllBytes(directory.resolve(BundleSignature.FILE_NAME)));
        Manifest manifest = verified.manifest();
        if (!manifest.model().equals(action.model()) || manifest.version() != action.version()) {
            throw new StepFailure(
                    "manifest_mismatch",
                    "bundle holds " + manifest.model() + " version " + manifest.version() + ", the action asks for "
                            + action.model() + " version " + action.version());
        }
        return verified;
    }

    private void switchTo(UpdateStore.Action action) throws IOException, StepFailure {
        CrashPoint.at(Step.SWITCHING);
        Path modelDirectory = repository.resolve(action.model());
        Optional<UpdateStore.Slots> before = store.slots(action.model());
        Long previousVersion = before.map(UpdateStore.Slots::activeVersion).orElse(null);
        String previousBundle = before.map(UpdateStore.Slots::activeBundle).orElse(null);
        if (before.isEmpty()) {
            previousVersion = servedVersions(action.model()).stream()
                    .filter(v -> v != action.version())
                    .findFirst()
                    .orElse(null);
        }
        SlotConfig.activate(modelDirectory, action.version());
        try {
            served.load(action.model(), null);
        } catch (RuntimeException e) {
            if (previousVersion != null) {
                SlotConfig.activate(modelDirectory, previousVersion);
            } else {
                Files.deleteIfExists(modelDirectory.resolve("config.json"));
            }
            throw new StepFailure("load_failed", e.getMessage());
        }
        UpdateStore.Slots after = new UpdateStore.Slots(
                action.model(), action.version(), action.bundle(), previousVersion, previousBundle);
        store.conclude(
                action.actionId(),
                "switched",
                null,
                after,
                seq -> report(seq, action, UpdateStatus.SWITCHED, null, action.quality()));
        LOG.log(System.Logger.Level.INFO, "model ''{0}'' now serves version {1}", action.model(), action.version());
        removeOtherSlots(modelDirectory, after);
        collectGarbage();
    }

    private void fail(UpdateStore.Action action, String code, String detail, Quality quality) throws IOException {
        Path slot = repository.resolve(action.model()).resolve(String.valueOf(action.version()));
        boolean active = store.slots(action.model())
                .filter(slots -> slots.activeVersion() == action.version())
                .isPresent();
        if (!active && !code.equals("version_conflict")) {
            BundleUnpacker.deleteTree(slot);
        }
        String reason = code + ": " + detail;
        LOG.log(
                System.Logger.Level.WARNING,
                "update of ''{0}'' to version {1} failed: {2}",
                action.model(),
                action.version(),
                reason);
        store.conclude(
                action.actionId(),
                "failed",
                reason,
                null,
                seq -> report(seq, action, UpdateStatus.FAILED, reason, quality));
    }

    private void finish(long actionId, UpdateStore.Credential credential) {
        if (current(actionId).step() != Step.REPORTING) {
            return;
        }
        CrashPoint.at(Step.REPORTING);
        try {
            flush(credential);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "reports wait for the control plane: {0}", e.toString());
        }
        store.done(actionId);
    }

    private void enter(UpdateStore.Action action, Step step) {
        store.advance(action.actionId(), step, seq -> report(seq, action, step.status(), null, null));
        CrashPoint.at(step);
    }

    private UpdateStore.Action current(long actionId) {
        return store.action(actionId).orElseThrow();
    }

    private String report(long seq, UpdateStore.Action action, UpdateStatus status, String reason, Quality quality) {
        return Reports.body(seq, action, status, reason, quality, served.index());
    }

    private List<Long> servedVersions(String model) {
        return served.index().stream()
                .filter(entry -> entry.name().equals(model) && "READY".equals(entry.state()))
                .map(RepositoryModel::version)
                .map(Long::parseLong)
                .toList();
    }

    /** Keeps the active and the previous slot of a model; older version directories go. */
    private static void removeOtherSlots(Path modelDirectory, UpdateStore.Slots slots) throws IOException {
        try (Stream<Path> children = Files.list(modelDirectory)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                boolean kept = name.equals(String.valueOf(slots.activeVersion()))
                        || (slots.previousVersion() != null && name.equals(String.valueOf(slots.previousVersion())));
                if (name.matches("[0-9]{1,18}") && !kept && Files.isDirectory(child)) {
                    BundleUnpacker.deleteTree(child);
                }
            }
        }
    }

    /** Keeps the blobs and manifests of every slot and unfinished action; the rest goes. */
    private void collectGarbage() throws IOException {
        Set<String> bundlesKept = new HashSet<>();
        try (Stream<Path> models = Files.list(repository)) {
            for (Path model : (Iterable<Path>) models::iterator) {
                store.slots(model.getFileName().toString()).ifPresent(slots -> {
                    bundlesKept.add(slots.activeBundle());
                    if (slots.previousBundle() != null) {
                        bundlesKept.add(slots.previousBundle());
                    }
                });
            }
        }
        store.unfinished().forEach(action -> bundlesKept.add(action.bundle()));
        Set<String> blobsKept = new HashSet<>();
        try (Stream<Path> stored = Files.exists(bundles) ? Files.list(bundles) : Stream.empty()) {
            for (Path directory : (Iterable<Path>) stored::iterator) {
                if (!bundlesKept.contains(directory.getFileName().toString())) {
                    BundleUnpacker.deleteTree(directory);
                    continue;
                }
                try {
                    Manifest.parse(Files.readAllBytes(directory.resolve(Manifest.FILE_NAME))).files().stream()
                            .map(ManifestFile::sha256)
                            .forEach(blobsKept::add);
                } catch (BundleException | IOException e) {
                    return;
                }
            }
        }
        blobs.retainOnly(blobsKept);
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
