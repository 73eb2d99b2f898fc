package io.fogline.control.rollout;

import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.Quality;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Counts the outcomes of waves' devices from their actions, reading switches against the quality gates. */
final class WaveTallies {

    private WaveTallies() {}

    /** Counts the outcomes of one wave's devices, reading switches against the quality gates. */
    static WaveTally of(Connection connection, long id, int wave, RolloutSpec spec) throws SQLException {
        return count(connection, id, wave, "t.position >= w.first AND t.position < w.first + w.size", spec);
    }

    /** Counts the outcomes of the devices of every wave up to and including {@code wave}. */
    static WaveTally upTo(Connection connection, long id, int wave, RolloutSpec spec) throws SQLException {
        return count(connection, id, wave, "t.position < w.first + w.size", spec);
    }

    private static WaveTally count(Connection connection, long id, int wave, String positions, RolloutSpec spec)
            throws SQLException {
        int size = 0, switched = 0, failed = 0, timedOut = 0, qualityFailed = 0, pending = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT a.status, a.quality FROM rollout_targets t JOIN rollout_waves w ON w.rollout_id = t.rollout_id"
                        + " JOIN actions a ON a.id = t.action_id WHERE t.rollout_id = ? AND w.wave = ? AND "
                        + positions)) {
            select.setLong(1, id);
            select.setInt(2, wave);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    size++;
                    switch (rows.getString(1)) {
                        case "switched" -> {
                            String quality = rows.getString(2);
                            Quality reported = quality == null
                                    ? null
                                    : ProtocolJson.read(quality.getBytes(StandardCharsets.UTF_8), Quality.class);
                            if (QualityCheck.violation(spec.gates().quality(), reported) == null) {
                                switched++;
                            } else {
                                qualityFailed++;
                            }
                        }
                        case "failed", "cancelled" -> failed++;
                        case "timed_out" -> timedOut++;
                        default -> pending++;
                    }
                }
            }
        }
        return new WaveTally(size, switched, failed, timedOut, qualityFailed, pending);
    }
}
