package io.fogline.control.federated;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.Sha256;
import io.fogline.control.common.ControlException;
import io.fogline.control.monitor.ControlMetrics;
import io.fogline.control.registry.BlobStore;
import io.fogline.control.registry.Publisher;
import io.fogline.control.rollout.Rollouts;
import io.fogline.control.store.Database;
import io.fogline.core.device.FederatedTask;
import io.fogline.core.federated.MalformedUpdateException;
import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateHeader;
import io.fogline.federated.NormScreen;
import io.fogline.federated.Refusal;
import io.fogline.federated.RefusalCounts;
import io.fogline.federated.RoundIntake;
import io.fogline.federated.RoundRules;
import io.fogline.federated.ServerOptimizer;
import io.fogline.federated.UpdateSet;
import io.fogline.federated.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Federated jobs: the operator starts one on a published model and a target; each timer step opens a round for some
 * of the target's opted-in devices (they learn of it through their poll), takes their updates through the round's
 * intake, and at the deadline, or once all have answered, aggregates them into the next global model. After the last
 * round the result is packed, signed, published as a new version and, if the job says so, rolled out. Every state is
 * in the database, so a restarted control plane or another replica carries a job on from where it was.
 */
public final class FederatedJobs {

    private static final Logger LOG = Logger.getLogger(FederatedJobs.class.getName());
    private static final String MODEL_FILE = "model.onnx";

    private final FederatedStore store;
    private final Database database;
    private final BlobStore blobs;
    private final Publisher publisher;
    private final Rollouts rollouts;
    private final FederatedModels models;
    private final ControlMetrics metrics;
    private final Clock clock;

    /** @param models null when this control plane cannot train: jobs are then refused */
    public FederatedJobs(
            Database database,
            BlobStore blobs,
            Publisher publisher,
            Rollouts rollouts,
            FederatedModels models,
            ControlMetrics metrics,
            Clock clock) {
        this.store = new FederatedStore(database);
        this.database = database;
        this.blobs = blobs;
        this.publisher = publisher;
        this.rollouts = rollouts;
        this.models = models;
        this.metrics = metrics;
        this.clock = clock;
    }

    public JobView start(JsonNode body) {
        JobSpec spec = JobSpec.parse(body);
        if (models == null) {
            throw ControlException.conflict(
                    "this control plane was started without a model trainer, so it runs no federated jobs");
        }
        String onnxSha = baseFiles(spec).get(MODEL_FILE);
        byte[] onnx = blob(onnxSha);
        int dimension;
        try {
            dimension = models.parameters(onnx).length;
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid("model '" + spec.model() + "' version " + spec.version()
                    + " cannot be trained on devices: " + e.getMessage());
        }
        long resultVersion =
                spec.publishVersion() != null ? spec.publishVersion() : store.newestVersion(spec.model()) + 1;
        if (store.bundle(spec.model(), resultVersion).isPresent()) {
            throw ControlException.conflict(
                    "model '" + spec.model() + "' version " + resultVersion + " is published already");
        }
        store.insertJob(spec, onnxSha, onnx.length, dimension, resultVersion, clock.millis());
        return view(spec.id());
    }

    public JobView stop(String id) {
        FederatedStore.Job job = job(id);
        if (!job.state().equals(FederatedStore.RUNNING)) {
            throw ControlException.conflict(
                    "federated job '" + id + "' is " + job.state() + "; only a running job" + " stops");
        }
        store.endJob(id, FederatedStore.STOPPED, FederatedStore.STOPPED, "stopped by the operator", clock.millis());
        return view(id);
    }

    public List<JobView> list() {
        return store.jobs().stream().map(job -> view(job.id())).toList();
    }

    public JobView view(String id) {
        FederatedStore.History history = store.history(id).orElseThrow(() -> notFound(id));
        FederatedStore.Job job = history.job();
        List<JobView.RoundView> rounds = new ArrayList<>();
        for (FederatedStore.Round round : history.rounds()) {
            rounds.add(new JobView.RoundView(
                    round.round(),
                    round.state(),
                    round.chosen(),
                    history.answered().getOrDefault(round.round(), 0L),
                    round.aggregated(),
                    history.refusals().getOrDefault(round.round(), Map.of()),
                    round.loss(),
                    round.accuracy(),
                    round.evalAccuracy(),
                    round.openedAt(),
                    round.deadlineAt(),
                    round.closedAt(),
                    round.reason()));
        }
        JobSpec spec = job.spec();
        return new JobView(
                job.id(),
                spec.model(),
                spec.version(),
                job.state(),
                job.reason(),
                job.round(),
                spec.rounds(),
                job.resultVersion(),
                job.resultBundle(),
                job.rolloutId(),
                spec.aggregation(),
                job.createdAt(),
                job.updatedAt(),
                rounds);
    }

    /** A device's word that it trains, with how many examples it holds. */
    public void optIn(String device, long examples) {
        store.optIn(device, examples, clock.millis());
    }

    /** The round a device should train for now, if any: part of its desired state. */
    public Optional<FederatedTask> task(String device) {
        return store.task(device);
    }

    /**
     * Takes an update a device uploaded. Each refusal is named, counted under its job and round, and thrown as a
     * refused request.
     */
    public void receive(String device, byte[] body, int length) {
        UpdateHeader header;
        try {
            header = UpdateCodec.decodeHeader(body, length);
        } catch (MalformedUpdateException e) {
            throw refused(Refusal.MALFORMED, e.getMessage());
        }
        Optional<FederatedStore.Job> found = store.job(header.job());
        if (found.isEmpty()) {
            throw refused(Refusal.UNKNOWN_ROUND, "there is no federated job '" + header.job() + "'");
        }
        FederatedStore.Job job = found.get();
        if (job.round() == 0) {
            throw counted(job.id(), 1, Refusal.UNKNOWN_ROUND, "job " + job.id() + " has opened no round yet");
        }
        Optional<FederatedStore.Round> open = store.openRound(job.id());
        int round = open.map(FederatedStore.Round::round).orElse(job.round());
        boolean answered = store.hasUpdate(job.id(), round, device);
        RoundIntake intake = new RoundIntake(
                new RoundRules(
                        job.id(),
                        round,
                        job.dimension(),
                        store.chosen(job.id(), round, device) ? Set.of(device) : Set.of(),
                        job.spec().maxExamples()),
                new RefusalCounts(),
                answered ? List.of(device) : List.of());
        long now = clock.millis();
        if (open.isEmpty() || now >= open.get().deadlineAt()) {
            intake.close();
        }
        switch (intake.offer(device, body, length)) {
            case Verdict.Refused refusal -> throw counted(job.id(), round, refusal.reason(), refusal.detail());
            case Verdict.Accepted accepted -> {
                ModelUpdate update = accepted.update();
                if (!store.insertUpdate(
                        job.id(),
                        round,
                        device,
                        update.exampleCount(),
                        update.metrics(),
                        update.delta(),
                        update.norm(),
                        now)) {
                    Refusal reason =
                            store.hasUpdate(job.id(), round, device) ? Refusal.DUPLICATE : Refusal.CLOSED_ROUND;
                    throw counted(
                            job.id(),
                            round,
                            reason,
                            "round " + round + " of job " + job.id()
                                    + (reason == Refusal.DUPLICATE
                                            ? " has an update of " + device + " already"
                                            : " has closed"));
                }
                metrics.federatedUpdate("accepted");
            }
        }
    }

    private ControlException counted(String job, int round, Refusal reason, String detail) {
        store.addRefusal(job, round, reason);
        return refused(reason, detail);
    }

    private ControlException refused(Refusal reason, String detail) {
        metrics.federatedUpdate(reason.code());
        return ControlException.refused(reason.code(), detail);
    }

    /**
     * One timer step over every unfinished job: opens rounds, closes those whose time came, publishes finished jobs.
     * A job that fails a step keeps its state and is tried again at the next.
     */
    public void tick() {
        for (FederatedStore.Job job : store.jobs(FederatedStore.RUNNING, FederatedStore.PUBLISHING)) {
            try {
                if (job.state().equals(FederatedStore.PUBLISHING)) {
                    publish(job);
                } else {
                    Optional<FederatedStore.Round> open = store.openRound(job.id());
                    if (open.isPresent()) {
                        close(job, open.get());
                    } else {
                        openNext(job);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "federated job " + job.id() + ": step failed, tried again next step", e);
                store.setReason(job.id(), "step failed, tried again: " + e.getMessage(), clock.millis());
            }
        }
    }

    private void openNext(FederatedStore.Job job) {
        JobSpec spec = job.spec();
        List<String> candidates = new ArrayList<>(store.candidates(spec.filter()));
        if (candidates.size() < spec.minClients()) {
            String reason = "waiting for devices: " + candidates.size() + " of the target's devices take part, "
                    + spec.minClients() + " needed";
            if (!reason.equals(job.reason())) {
                store.setReason(job.id(), reason, clock.millis());
            }
            return;
        }
        int round = job.round() + 1;
        int count = Math.min(
                candidates.size(), Math.max(spec.minClients(), (int) Math.ceil(spec.fraction() * candidates.size())));
        Collections.shuffle(candidates, new Random(((long) job.id().hashCode() << 32) ^ round));
        List<String> chosen = candidates.subList(0, count).stream().sorted().toList();
        long now = clock.millis();
        if (store.openRound(job, round, chosen, now, now + spec.roundSeconds() * 1000)) {
            LOG.info("federated job " + job.id() + ": round " + round + " opened for " + chosen.size() + " devices");
        }
    }

    private void close(FederatedStore.Job job, FederatedStore.Round round) {
        JobSpec spec = job.spec();
        long answered = store.answered(job.id(), round.round());
        long now = clock.millis();
        switch (RoundClosing.decide(answered, round.chosen(), spec.minReplies(), now, round.deadlineAt())) {
            case WAIT -> {}
            case TOO_FEW -> fail(job, RoundClosing.tooFew(round.round(), answered, round.chosen(), spec.minReplies()));
            case AGGREGATE -> aggregate(job, round);
        }
    }

    private void fail(FederatedStore.Job job, String reason) {
        LOG.warning("federated job " + job.id() + " failed: " + reason);
        store.endJob(job.id(), FederatedStore.FAILED, FederatedStore.FAILED, reason, clock.millis());
    }

    private void aggregate(FederatedStore.Job job, FederatedStore.Round round) {
        JobSpec spec = job.spec();
        UpdateSet updates = new StoredUpdates(database, job.id(), round.round(), job.dimension());
        List<String> outliers = new ArrayList<>();
        if (spec.normScreen() > 0) {
            NormScreen.Screened screened = new NormScreen(spec.normScreen()).screen(updates, new RefusalCounts());
            screened.outliers().forEach(outlier -> outliers.add(outlier.client()));
            updates = screened.passed();
        }
        if (updates.size() < spec.minReplies()) {
            fail(
                    job,
                    "round " + round.round() + ": " + updates.size() + " updates left after " + outliers.size()
                            + " norm outliers were refused; " + spec.minReplies() + " needed");
            return;
        }
        float[] delta = spec.plan().aggregate(updates);
        byte[] globalOnnx = blob(job.globalSha256());
        float[] global = models.parameters(globalOnnx);
        ServerOptimizer optimizer = spec.serverOptimizer();
        if (job.optimizerState() != null) {
            optimizer.restore(FederatedStore.readState(job.optimizerState()));
        }
        optimizer.step(global, delta);
        byte[] next = models.withParameters(globalOnnx, global);
        String sha = putBlob(next);
        Double evalAccuracy = models.evaluate(next).stream().boxed().findFirst().orElse(null);
        boolean last = round.round() >= spec.rounds();
        FederatedStore.Aggregated result = new FederatedStore.Aggregated(
                updates.size(),
                evalAccuracy,
                outliers,
                sha,
                next.length,
                FederatedStore.writeState(optimizer.state()),
                last);
        if (store.aggregated(job.id(), round.round(), result, clock.millis())) {
            LOG.info("federated job " + job.id() + ": round " + round.round() + " aggregated " + updates.size()
                    + " updates" + (outliers.isEmpty() ? "" : ", refused " + outliers.size() + " norm outliers")
                    + (evalAccuracy == null ? "" : String.format(", accuracy %.4f", evalAccuracy)));
            if (last) {
                publish(store.job(job.id()).orElseThrow());
            }
        }
    }

    /** Packs the final model, publishes it and starts its rollout; a step cut short is taken again where it was. */
    private void publish(FederatedStore.Job job) {
        JobSpec spec = job.spec();
        Optional<String> published = store.bundle(spec.model(), job.resultVersion());
        String bundle;
        if (published.isPresent()) {
            bundle = published.get();
        } else {
            Map<String, byte[]> files = new LinkedHashMap<>();
            baseFiles(spec).forEach((path, sha) -> files.put(path, blob(sha)));
            Path packed;
            try {
                packed = models.pack(
                        files, blob(job.globalSha256()), spec.model(), job.resultVersion(), spec.publishKey());
            } catch (IOException | IllegalArgumentException e) {
                store.endJob(
                        job.id(),
                        FederatedStore.FAILED,
                        FederatedStore.FAILED,
                        "packing version " + job.resultVersion() + " failed: " + e.getMessage(),
                        clock.millis());
                return;
            }
            try {
                bundle = publisher.publish(packed).bundle();
            } catch (ControlException e) {
                store.endJob(
                        job.id(),
                        FederatedStore.FAILED,
                        FederatedStore.FAILED,
                        "publishing version " + job.resultVersion() + " was refused: " + e.getMessage(),
                        clock.millis());
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteQuietly(packed);
            }
        }
        Long rollout = null;
        if (spec.rollout() != null) {
            try {
                rollout = rollouts.start(spec.rolloutSpec(job.resultVersion()));
            } catch (ControlException e) {
                store.endJob(
                        job.id(),
                        FederatedStore.FAILED,
                        FederatedStore.FAILED,
                        "version " + job.resultVersion() + " is published; its rollout was refused: " + e.getMessage(),
                        clock.millis());
                return;
            }
        }
        store.completed(job.id(), bundle, rollout, clock.millis());
        LOG.info("federated job " + job.id() + " published " + spec.model() + " version " + job.resultVersion()
                + (rollout == null ? "" : " and started rollout " + rollout));
    }

    private Map<String, String> baseFiles(JobSpec spec) {
        Map<String, String> files = store.bundleFiles(spec.model(), spec.version());
        if (files.isEmpty()) {
            throw ControlException.notFound("no model '" + spec.model() + "' version " + spec.version());
        }
        if (!files.containsKey(MODEL_FILE)) {
            throw ControlException.invalid(
                    "model '" + spec.model() + "' version " + spec.version() + " has no " + MODEL_FILE + " to train");
        }
        return files;
    }

    private FederatedStore.Job job(String id) {
        return store.job(id).orElseThrow(() -> notFound(id));
    }

    private static ControlException notFound(String id) {
        return ControlException.notFound("no federated job '" + id + "'");
    }

    private byte[] blob(String sha256) {
        try {
            return blobs.bytes(sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("blob " + sha256 + " unreadable: " + e.getMessage(), e);
        }
    }

    private String putBlob(byte[] bytes) {
        try {
            Path file = publisher.scratch();
            try {
                Files.write(file, bytes);
                String sha = Sha256.of(file);
                blobs.put(sha, file);
                return sha;
            } finally {
                deleteQuietly(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storing the global model failed: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not delete " + file, e);
        }
    }
}
