package io.fogline.control.rollout;

import io.fogline.control.ApiException;
import io.fogline.control.Json;
import io.fogline.control.fleet.DesiredStates;
import io.fogline.control.fleet.DeviceView;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.LabelSelector;
import io.fogline.control.rollout.RolloutState.Command;
import io.fogline.control.rollout.WaveTally.Verdict;
import io.fogline.control.store.Database;
import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.RunningModel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs rollouts as a state machine kept wholly in the database: every step (a wave opening, a gate judged, a timeout,
 * an operator command) is one transaction that locks the rollout's row, so a control plane may stop between any two
 * steps and a new one on the same database goes on from where it stood. Steps happen on device feedback, on operator
 * commands and on the control plane's timer ({@link #tick()}), all reading the injected clock.
 */
public final class RolloutEngine {

    static final String UNFINISHED = "('running', 'waiting_approval', 'paused')";
    private static final String ENDED = "('switched', 'failed', 'timed_out', 'cancelled')";

    private final Database database;
    private final Clock clock;
    private final Fleet fleet;

    public RolloutEngine(Database database, Clock clock, Fleet fleet) {
        this.database = database;
        this.clock = clock;
        this.fleet = fleet;
    }

    /** Starts a rollout and opens its first wave; its targets are the devices that match the target now. */
    public long start(RolloutSpec spec) {
        String bundle = database.read(connection -> bundleOf(connection, spec.model(), spec.version()));
        LabelSelector selector = spec.target().selector() == null
                ? null
                : LabelSelector.parse(spec.target().selector());
        List<String> targets = fleet.devices(spec.target().group(), selector).stream()
                .map(DeviceView::id)
                .toList();
        if (targets.isEmpty()) {
            throw ApiException.badRequest("target " + describe(spec.target()) + " matches no device");
        }
        List<Integer> sizes = WavePlan.sizes(spec.waves(), targets.size());
        return database.write(connection -> {
            refuseSecondRollout(connection, spec.model());
            long now = clock.millis();
            long id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO rollouts (model, version, bundle, spec, state, current_wave, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, 'running', 0, ?, ?) RETURNING id")) {
                insert.setString(1, spec.model());
                insert.setLong(2, spec.version());
                insert.setString(3, bundle);
                insert.setString(4, Json.write(spec));
                insert.setLong(5, now);
                insert.setLong(6, now);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    id = row.getLong(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO rollout_waves (rollout_id, wave, first, size, result) VALUES (?, ?, ?, ?, 'planned')")) {
                int first = 0;
                for (int wave = 0; wave < sizes.size(); wave++) {
                    insert.setLong(1, id);
                    insert.setInt(2, wave);
                    insert.setInt(3, first);
                    insert.setInt(4, sizes.get(wave));
                    insert.addBatch();
                    first += sizes.get(wave);
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO rollout_targets (rollout_id, device_id, position) VALUES (?, ?, ?)")) {
                for (int position = 0; position < targets.size(); position++) {
                    insert.setLong(1, id);
                    insert.setString(2, targets.get(position));
                    insert.setInt(3, position);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            openWave(connection, load(connection, id), 0);
            return id;
        });
    }

    /** Judges the current wave of one rollout and moves it on as its gates say; does nothing to a finished one. */
    public void advance(long id) {
        database.write(connection -> {
            Row rollout = load(connection, id);
            if (!rollout.state().terminal()) {
                expireTimeouts(connection, rollout);
                if (rollout.state() == RolloutState.RUNNING) {
                    judge(connection, rollout);
                }
            }
            return null;
        });
    }

    /** Advances every unfinished rollout: the timer's step, which sees device timeouts. */
    public void tick() {
        List<Long> unfinished = database.read(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT id FROM rollouts WHERE state IN " + UNFINISHED)) {
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            return ids;
        });
        unfinished.forEach(this::advance);
    }

    /** Carries out an operator's command, or refuses it with 409 when the rollout's state does not allow it. */
    public void command(long id, Command command) {
        database.write(connection -> {
            Row rollout = load(connection, id);
            rollout.state().after(command, id);
            switch (command) {
                case PAUSE -> setState(connection, id, RolloutState.PAUSED, "paused by operator");
                case RESUME -> {
                    if (currentWave(connection, rollout).result().equals("failed")) {
                        endWave(connection, rollout, "overridden", "resumed by operator after a failed gate");
                        moveOn(connection, rollout);
                    } else {
                        setState(connection, id, RolloutState.RUNNING, null);
                    }
                }
                case APPROVE -> openWave(connection, rollout, rollout.currentWave() + 1);
                case ABORT -> {
                    restorePrevious(connection, rollout, false);
                    setState(connection, id, RolloutState.ABORTED, "aborted by operator");
                }
                case ROLLBACK -> {
                    restorePrevious(connection, rollout, true);
                    setState(connection, id, RolloutState.ROLLED_BACK, "rolled back by operator");
                }
            }
            return null;
        });
        advance(id);
    }

    private void judge(Connection connection, Row rollout) throws SQLException {
        CurrentWave wave = currentWave(connection, rollout);
        if (!wave.result().equals("running")) {
            moveOn(connection, rollout);
            return;
        }
        Long every = rollout.spec().waves().everySeconds();
        // At a rate, waves overlap: the gates judge every device targeted so far, not only the current wave's.
        Verdict verdict = (every == null
                        ? WaveTallies.of(connection, rollout.id(), rollout.currentWave(), rollout.spec())
                        : WaveTallies.upTo(connection, rollout.id(), rollout.currentWave(), rollout.spec()))
                .judge(rollout.spec().gates());
        switch (verdict.outcome()) {
            case PENDING -> {
                boolean last = rollout.currentWave() + 1 >= waveCount(connection, rollout.id());
                if (every != null && !last && clock.millis() - wave.startedAt() >= every * 1000) {
                    endWave(connection, rollout, "passed", "next wave opened on schedule after " + every + " s");
                    moveOn(connection, rollout);
                }
            }
            case PASSED -> {
                endWave(connection, rollout, "passed", null);
                moveOn(connection, rollout);
            }
            case FAILED -> {
                endWave(connection, rollout, "failed", verdict.reason());
                String why = "wave " + rollout.currentWave() + " failed its gates: " + verdict.reason();
                if (rollout.spec().onFailure().equals(RolloutSpec.PAUSE)) {
                    setState(connection, rollout.id(), RolloutState.PAUSED, why);
                } else {
                    restorePrevious(connection, rollout, true);
                    setState(connection, rollout.id(), RolloutState.ROLLED_BACK, why);
                }
            }
        }
    }

    /** After a wave passed: completes the rollout, waits for approval, or opens the next wave. */
    private void moveOn(Connection connection, Row rollout) throws SQLException {
        int wave = rollout.currentWave();
        if (wave + 1 >= waveCount(connection, rollout.id())) {
            setState(connection, rollout.id(), RolloutState.COMPLETED, null);
        } else if (rollout.spec().needsApprovalAfter(wave)) {
            setState(
                    connection,
                    rollout.id(),
                    RolloutState.WAITING_APPROVAL,
                    "wave " + wave + " passed; approve to open wave " + (wave + 1));
        } else {
            openWave(connection, rollout, wave + 1);
        }
    }

    private void openWave(Connection connection, Row rollout, int wave) throws SQLException {
        long now = clock.millis();
        RolloutSpec spec = rollout.spec();
        List<String> devices = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT t.device_id FROM rollout_targets t JOIN rollout_waves w ON w.rollout_id = t.rollout_id"
                        + " WHERE t.rollout_id = ? AND w.wave = ? AND t.position >= w.first"
                        + " AND t.position < w.first + w.size ORDER BY t.position")) {
            select.setLong(1, rollout.id());
            select.setInt(2, wave);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    devices.add(rows.getString(1));
                }
            }
        }
        for (String device : devices) {
            DesiredModel previous = previousOf(connection, device, spec.model());
            long action = insertAction(
                    connection, device, rollout.id(), spec.model(), spec.version(), rollout.bundle(), "update", now);
            DesiredStates.put(
                    connection, device, new DesiredModel(spec.model(), spec.version(), rollout.bundle(), action));
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE rollout_targets SET previous_version = ?, previous_bundle = ?, action_id = ?"
                            + " WHERE rollout_id = ? AND device_id = ?")) {
                update.setObject(1, previous == null ? null : previous.version());
                update.setString(2, previous == null ? null : previous.bundle());
                update.setLong(3, action);
                update.setLong(4, rollout.id());
                update.setString(5, device);
                update.executeUpdate();
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rollout_waves SET result = 'running', started_at = ? WHERE rollout_id = ? AND wave = ?")) {
            update.setLong(1, now);
            update.setLong(2, rollout.id());
            update.setInt(3, wave);
            update.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rollouts SET current_wave = ?, state = 'running', state_reason = NULL, updated_at = ?"
                        + " WHERE id = ?")) {
            update.setInt(1, wave);
            update.setLong(2, now);
            update.setLong(3, rollout.id());
            update.executeUpdate();
        }
    }

    /**
     * What a device should go back to: the version it was told to serve before, else the version it reports running
     * when the registry holds that version's bundle, else nothing.
     */
    private static DesiredModel previousOf(Connection connection, String device, String model) throws SQLException {
        for (DesiredModel desired : DesiredStates.load(connection, device)) {
            if (desired.model().equals(model)) {
                return desired;
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT running FROM devices WHERE id = ?")) {
            select.setString(1, device);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    for (RunningModel running : ProtocolJson.read(
                            row.getString(1).getBytes(StandardCharsets.UTF_8), RunningModel[].class)) {
                        if (running.model().equals(model)) {
                            String bundle = bundleOrNull(connection, model, running.version());
                            return bundle == null ? null : new DesiredModel(model, running.version(), bundle, 0);
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * Ends the rollout's unfinished updates and gives targeted devices their previous version back as desired state:
     * all of them for a rollback, those that had not switched for an abort. A device that had no previous version has
     * the model removed from its desired state, which leaves the node serving what it has.
     */
    private void restorePrevious(Connection connection, Row rollout, boolean switchedToo) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement cancel = connection.prepareStatement(
                "UPDATE actions SET status = 'cancelled', updated_at = ? WHERE rollout_id = ? AND purpose = 'update'"
                        + " AND status NOT IN " + ENDED)) {
            cancel.setLong(1, now);
            cancel.setLong(2, rollout.id());
            cancel.executeUpdate();
        }
        record Target(String device, Long version, String bundle) {}
        List<Target> targets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT t.device_id, t.previous_version, t.previous_bundle FROM rollout_targets t"
                        + " JOIN actions a ON a.id = t.action_id WHERE t.rollout_id = ?"
                        + (switchedToo ? "" : " AND a.status <> 'switched'") + " ORDER BY t.device_id")) {
            select.setLong(1, rollout.id());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long version = rows.getLong(2);
                    targets.add(new Target(rows.getString(1), rows.wasNull() ? null : version, rows.getString(3)));
                }
            }
        }
        String model = rollout.spec().model();
        for (Target target : targets) {
            if (target.bundle() == null) {
                DesiredStates.remove(connection, target.device(), model);
            } else {
                long action = insertAction(
                        connection,
                        target.device(),
                        rollout.id(),
                        model,
                        target.version(),
                        target.bundle(),
                        "rollback",
                        now);
                DesiredStates.put(
                        connection,
                        target.device(),
                        new DesiredModel(model, target.version(), target.bundle(), action));
            }
        }
    }

    private void expireTimeouts(Connection connection, Row rollout) throws SQLException {
        long timeout = rollout.spec().gates().deviceTimeoutSeconds();
        long now = clock.millis();
        try (PreparedStatement expire = connection.prepareStatement(
                "UPDATE actions SET status = 'timed_out', reason = ?, updated_at = ? WHERE rollout_id = ?"
                        + " AND purpose = 'update' AND status NOT IN " + ENDED + " AND created_at <= ?")) {
            expire.setString(1, "no result within " + timeout + " s");
            expire.setLong(2, now);
            expire.setLong(3, rollout.id());
            expire.setLong(4, now - timeout * 1000);
            expire.executeUpdate();
        }
    }

    private long insertAction(
            Connection connection,
            String device,
            long rollout,
            String model,
            long version,
            String bundle,
            String purpose,
            long now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO actions (device_id, rollout_id, model, version, bundle, purpose, status, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id")) {
            insert.setString(1, device);
            insert.setLong(2, rollout);
            insert.setString(3, model);
            insert.setLong(4, version);
            insert.setString(5, bundle);
            insert.setString(6, purpose);
            insert.setLong(7, now);
            insert.setLong(8, now);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private void endWave(Connection connection, Row rollout, String result, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rollout_waves SET result = ?, reason = ?, ended_at = ? WHERE rollout_id = ? AND wave = ?")) {
            update.setString(1, result);
            update.setString(2, reason);
            update.setLong(3, clock.millis());
            update.setLong(4, rollout.id());
            update.setInt(5, rollout.currentWave());
            update.executeUpdate();
        }
    }

    private void setState(Connection connection, long id, RolloutState state, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rollouts SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, state.wire());
            update.setString(2, reason);
            update.setLong(3, clock.millis());
            update.setLong(4, id);
            update.executeUpdate();
        }
    }

    /** The current wave's result so far and when it opened. */
    private record CurrentWave(String result, long startedAt) {}

    private static CurrentWave currentWave(Connection connection, Row rollout) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT result, started_at FROM rollout_waves WHERE rollout_id = ? AND wave = ?")) {
            select.setLong(1, rollout.id());
            select.setInt(2, rollout.currentWave());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new CurrentWave(row.getString(1), row.getLong(2));
            }
        }
    }

    private static int waveCount(Connection connection, long id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT COUNT(*) FROM rollout_waves WHERE rollout_id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** The rollout's row, locked until the transaction ends so that its steps happen one at a time. */
    private Row load(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT state, spec, current_wave, bundle FROM rollouts WHERE id = ?" + database.forUpdate())) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw ApiException.notFound("no rollout " + id);
                }
                return new Row(
                        id,
                        RolloutState.ofWire(row.getString(1)),
                        Json.read(row.getString(2), RolloutSpec.class),
                        row.getInt(3),
                        row.getString(4));
            }
        }
    }

    private record Row(long id, RolloutState state, RolloutSpec spec, int currentWave, String bundle) {}

    private static void refuseSecondRollout(Connection connection, String model) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, state FROM rollouts WHERE model = ? AND state IN " + UNFINISHED)) {
            select.setString(1, model);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    throw ApiException.conflict("rollout " + row.getLong(1) + " of model '" + model + "' is "
                            + row.getString(2) + ": finish, abort or roll it back first");
                }
            }
        }
    }

    private static String bundleOf(Connection connection, String model, long version) throws SQLException {
        String bundle = bundleOrNull(connection, model, version);
        if (bundle == null) {
            throw ApiException.notFound("no published bundle of model '" + model + "' version " + version);
        }
        return bundle;
    }

    private static String bundleOrNull(Connection connection, String model, long version) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT digest FROM bundles WHERE model = ? AND version = ?")) {
            select.setString(1, model);
            select.setLong(2, version);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static String describe(RolloutSpec.Target target) {
        return target.group() != null
                ? "group '" + target.group() + "'"
                : String.format(Locale.ROOT, "selector '%s'", target.selector());
    }
}
