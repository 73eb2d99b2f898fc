package io.fogline.control.fleet;

import java.util.List;
import java.util.Map;

/** What the operator sees of a device: where it belongs, when it was last heard from, what it runs and should run. */
public record DeviceView(
        String id,
        String group,
        Map<String, String> labels,
        long enrolledAt,
        Long lastSeen,
        boolean online,
        List<RunningModel> running,
        List<DesiredModel> desired,
        String lastStatus,
        String lastReason,
        long lastSeq) {

    /** A model version a device reports it serves. */
    public record RunningModel(String model, int version) {}
}
