package io.fogline.control.fleet;

import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.RunningModel;
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
        long lastSeq) {}
