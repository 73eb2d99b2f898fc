package io.fogline.node.ota;

import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.DesiredState;
import io.fogline.core.tls.Pem;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.telemetry.Telemetry;
import io.fogline.runtime.repository.ModelManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The node's over-the-air update agent: enrols once, then polls its desired state with an ETag at the interval the
 * control plane sets (±20% jitter), runs the actions it is given one at a time, and sends its reports. With the
 * control plane out of reach it keeps serving what it has and tries again at the next poll.
 */
public final class OtaAgent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OtaAgent.class.getName());
    private static final int FIRST_INTERVAL_SECONDS = 5;

    private final OtaOptions options;
    private final UpdateStore store;
    private final ControlClient control;
    private final BlobStore blobs;
    /** The node's fixed training data; null for none. */
    private final Dataset trainingData;

    private FederatedTrainer trainer;
    /** The example count the control plane was told last; -1 before the first opt-in. */
    private long optedIn = -1;

    private volatile boolean closed;
    private Thread thread;
    private String etag;
    private Telemetry telemetry;
    private volatile DesiredState desired;

    private OtaAgent(OtaOptions options, UpdateStore store) throws IOException {
        this.options = options;
        this.store = store;
        this.control = new ControlClient(
                options.control(),
                options.controlAuthority() == null ? null : Pem.trusting(options.controlAuthority()));
        if ("http".equals(options.control().getScheme()) && !loopback(options.control())) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the control plane {0} is reached over plain HTTP: the device credential crosses the network in"
                            + " clear; serve it over HTTPS and give --control-ca",
                    options.control());
        }
        this.blobs = new BlobStore(options.blobs());
        this.trainingData =
                options.trainingData() == null ? null : FashionMnist.loadPart(options.trainingData(), "train");
    }

    /**
     * Opens the update state and undoes what an interrupted update left that must not serve; call before the node
     * loads its models.
     */
    public static OtaAgent prepare(OtaOptions options, Path repository) throws IOException {
        OwnerOnly.directory(options.dataDir());
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path file = options.database().resolveSibling(options.database().getFileName() + suffix);
            if (suffix.isEmpty() || Files.exists(file)) {
                OwnerOnly.file(file);
            }
        }
        UpdateStore store = UpdateStore.open(options.database());
        try {
            UpdateRunner.recover(store, repository);
            return new OtaAgent(options, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts polling, updating the models {@code served} serves and uploading {@code telemetry} after each poll. With
     * {@code labels} (null for none) or training data in its options, the node takes part in federated rounds.
     */
    public synchronized void start(ModelManager served, Telemetry telemetry, LabelStore labels) {
        this.telemetry = telemetry;
        if (trainingData != null || labels != null) {
            CalibrationOptions calibration = options.calibration();
            trainer = new FederatedTrainer(
                    new LocalExamples(
                            trainingData, labels, example -> calibration != null && calibration.heldOut(example)),
                    control,
                    blobs,
                    Clock.systemUTC());
        }
        UpdateRunner runner = new UpdateRunner(
                store,
                control,
                blobs,
                options.bundles(),
                new KeyListFollower(options.trustedKeys(), options.keyList(), Clock.systemUTC()),
                served.repository(),
                served,
                options.calibration() == null || labels == null
                        ? null
                        : new EscalationCalibrator(options.calibration(), labels));
        thread = Thread.ofPlatform().name("fogline-ota").daemon().start(() -> loop(runner));
    }

    private void loop(UpdateRunner runner) {
        while (!closed) {
            try {
                cycle(runner);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "update cycle failed: " + e.getMessage(), e);
            }
            long interval = desired == null ? FIRST_INTERVAL_SECONDS : desired.pollIntervalSeconds();
            long sleepMillis =
                    (long) (interval * 1000 * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
            try {
                TimeUnit.MILLISECONDS.sleep(sleepMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void cycle(UpdateRunner runner) {
        Optional<UpdateStore.Credential> credential = credential();
        if (credential.isEmpty()) {
            return;
        }
        try {
            runner.flush(credential.get());
            if (trainer != null) {
                long examples = trainer.exampleCount();
                if (examples != optedIn) {
                    control.federatedOptIn(credential.get(), examples);
                    optedIn = examples;
                }
            }
            ControlClient.Polled polled = control.desired(credential.get(), etag);
            etag = polled.etag();
            polled.desired().ifPresent(state -> desired = state);
            if (trainer != null && desired != null && desired.federated() != null) {
                trainer.offer(desired.federated(), credential.get());
            }
            // The poll just reached the control plane: the link is up, so the outbox goes now.
            telemetry.upload((batchId, body) -> control.telemetry(credential.get(), body));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "control plane out of reach, serving on: {0}", e.toString());
        }
        try {
            for (UpdateStore.Action action : store.unfinished()) {
                Optional<DesiredModel> wanted = wanted(action.model());
                boolean replaced = wanted.isPresent() && wanted.get().actionId() != action.actionId();
                if (replaced && !action.step().slotTested()) {
                    runner.supersede(action.actionId(), wanted.get().actionId(), credential.get());
                } else {
                    runner.run(action.actionId(), credential.get());
                }
            }
            if (desired == null) {
                return;
            }
            for (DesiredModel model : desired.models()) {
                if (closed) {
                    return;
                }
                if (store.action(model.actionId()).isEmpty()) {
                    runner.start(
                            new UpdateStore.Action(
                                    model.actionId(),
                                    model.model(),
                                    model.version(),
                                    model.bundle(),
                                    Step.DOWNLOADING,
                                    null,
                                    null,
                                    null),
                            credential.get());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "update paused, it resumes at the next poll: {0}", e.toString());
        }
    }

    private static boolean loopback(java.net.URI url) {
        String host = url.getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /** Whether the control plane manages {@code model}: it desires a version of it, or one of its updates is in use. */
    public boolean manages(String model) {
        return wanted(model).isPresent() || store.slots(model).isPresent();
    }

    private Optional<DesiredModel> wanted(String model) {
        return desired == null
                ? Optional.empty()
                : desired.models().stream().filter(m -> m.model().equals(model)).findFirst();
    }

    private Optional<UpdateStore.Credential> credential() {
        Optional<UpdateStore.Credential> stored = store.credential();
        if (stored.isPresent()) {
            return stored;
        }
        if (options.enrolmentToken() == null) {
            LOG.log(System.Logger.Level.WARNING, "not enrolled and no enrolment token was given: polling nothing");
            return Optional.empty();
        }
        try {
            String secret = control.enrol(options.enrolmentToken(), options.deviceId(), options.labels());
            UpdateStore.Credential credential = new UpdateStore.Credential(options.deviceId(), secret);
            store.saveCredential(credential);
            LOG.log(System.Logger.Level.INFO, "enrolled as ''{0}''", options.deviceId());
            return Optional.of(credential);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "enrolment failed, retrying: {0}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        FederatedTrainer training;
        synchronized (this) {
            training = trainer;
        }
        if (training != null) {
            training.close();
        }
        store.close();
    }
}
