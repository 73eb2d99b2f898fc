package io.fogline.control.http;

import io.fogline.control.common.ControlException;
import io.fogline.control.device.Devices;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.registry.BlobStore;
import io.fogline.control.registry.Deltas;
import io.fogline.control.registry.KeyLists;
import io.fogline.control.registry.Registry;
import io.fogline.core.device.Accepted;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.FederatedOptIn;
import io.fogline.core.device.Feedback;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The device endpoints of docs/protocol.md: enrolment, polls, reports, telemetry, bundles, blobs, deltas and the key
 * list (which the operator uploads).
 */
public final class DeviceApi {

    private static final long JSON_LIMIT = 1024 * 1024;
    /** An update of a model of millions of parameters in FP32, the largest encoding. */
    private static final long UPDATE_LIMIT = 64 * 1024 * 1024;
    /** Nodes send batches of 256 KiB by default; the limit leaves room for a node configured to send more. */
    private static final long TELEMETRY_LIMIT = 8 * 1024 * 1024;

    private final Devices devices;
    private final Deltas deltas;
    private final KeyLists keyLists;
    private final BlobStore blobs;

    private DeviceApi(Devices devices, Deltas deltas, KeyLists keyLists, BlobStore blobs) {
        this.devices = devices;
        this.deltas = deltas;
        this.keyLists = keyLists;
        this.blobs = blobs;
    }

    public static Routes routes(Devices devices, Registry registry, Deltas deltas, KeyLists keyLists, BlobStore blobs) {
        DeviceApi api = new DeviceApi(devices, deltas, keyLists, blobs);
        return Routes.of(
                Route.of("POST", "/api/v1/enrol", Access.PUBLIC, api::enrol),
                new Route(
                        "GET",
                        "/api/v1/devices/{id}/desired",
                        Access.OWN_DEVICE_OR_OPERATOR,
                        "read the state",
                        api::desired),
                new Route(
                        "POST",
                        "/api/v1/devices/{id}/feedback",
                        Access.OWN_DEVICE,
                        "reports its feedback",
                        api::feedback),
                new Route(
                        "PUT",
                        "/api/v1/devices/{id}/federated",
                        Access.OWN_DEVICE,
                        "opts in to federated rounds",
                        call -> {
                            devices.federatedOptIn(
                                    call.parameter("id"), call.message(FederatedOptIn.class, JSON_LIMIT));
                            call.sendJson(200, new Accepted(true));
                        }),
                new Route(
                        "POST",
                        "/api/v1/devices/{id}/updates",
                        Access.OWN_DEVICE,
                        "sends its federated updates",
                        call -> {
                            devices.federatedUpdate(call.parameter("id"), call.bytes(UPDATE_LIMIT));
                            call.sendJson(200, new Accepted(true));
                        }),
                new Route(
                        "POST",
                        "/api/v1/devices/{id}/telemetry",
                        Access.OWN_DEVICE,
                        "sends its telemetry",
                        TELEMETRY_LIMIT,
                        api::telemetry),
                Route.of(
                        "GET",
                        "/api/v1/bundles/{digest}/manifest",
                        Access.ANY_CALLER,
                        call -> call.send(200, "application/json", registry.manifest(call.parameter("digest")))),
                Route.of(
                        "GET",
                        "/api/v1/bundles/{digest}/signature",
                        Access.ANY_CALLER,
                        call -> call.send(200, "application/json", registry.signature(call.parameter("digest")))),
                Route.of(
                        "GET",
                        "/api/v1/blobs/{sha256}",
                        Access.ANY_CALLER,
                        call -> api.blob(call, call.parameter("sha256"))),
                Route.of("GET", "/api/v1/deltas/{base}/{target}", Access.ANY_CALLER, api::delta),
                Route.of("GET", "/api/v1/trust/key-list", Access.ANY_CALLER, api::keyList),
                Route.of("PUT", "/api/v1/trust/key-list", Access.OPERATOR, api::uploadKeyList));
    }

    private void enrol(Call call) throws IOException {
        call.sendJson(201, devices.enrol(call.message(Enrolment.class, JSON_LIMIT)));
    }

    /** A poll answers 304 when the device holds the current state's ETag, else the state with its ETag. */
    private void desired(Call call) throws IOException {
        Devices.Poll poll = call.caller() instanceof Caller.Device device
                ? devices.poll(new Fleet.AuthenticatedDevice(device.id(), device.desiredRevision()), known(call))
                : devices.desiredOf(call.parameter("id"));
        String etag = "\"" + poll.tag() + "\"";
        call.setHeader("ETag", etag);
        if (poll.state() == null || unchanged(call, poll.tag())) {
            call.sendEmpty(304);
        } else {
            call.sendJson(200, poll.state());
        }
    }

    /** Whether {@code If-None-Match} names the tag (unquoted), or any tag. */
    static boolean unchanged(Call call, String tag) {
        Set<String> known = known(call);
        return known.contains(tag) || known.contains("*");
    }

    /** The tags of {@code If-None-Match}, unquoted, weak or strong. */
    private static Set<String> known(Call call) {
        Set<String> tags = new HashSet<>();
        String header = call.header("If-None-Match");
        if (header != null) {
            for (String candidate : header.split(",")) {
                tags.add(candidate.trim().replaceFirst("^W/", "").replaceAll("^\"|\"$", ""));
            }
        }
        return tags;
    }

    private void feedback(Call call) throws IOException {
        Feedback report = call.message(Feedback.class, JSON_LIMIT);
        call.sendJson(200, new Accepted(devices.report(call.parameter("id"), report)));
    }

    private void telemetry(Call call) throws IOException {
        TelemetryBatch batch;
        try {
            batch = TelemetryJson.read(call.bytes(TELEMETRY_LIMIT), TelemetryBatch.class);
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid(e.getMessage());
        }
        call.sendJson(200, new Accepted(devices.telemetry(call.parameter("id"), batch)));
    }

    private void keyList(Call call) throws IOException {
        call.send(
                200,
                "application/json",
                keyLists.newest().orElseThrow(() -> ControlException.notFound("no key list was uploaded")));
    }

    /** An operator's upload; it sits here beside the download so that one table answers both methods of the path. */
    private void uploadKeyList(Call call) throws IOException {
        call.sendJson(201, Map.of("sequence", keyLists.upload(call.bytes(JSON_LIMIT))));
    }

    /** The delta that rebuilds blob {@code target} from blob {@code base}, served as the blob it is stored as. */
    private void delta(Call call) throws IOException {
        String base = call.parameter("base");
        String target = call.parameter("target");
        String delta = deltas.find(base, target)
                .orElseThrow(() -> ControlException.notFound("no delta from " + base + " to " + target));
        blob(call, delta);
    }

    private void blob(Call call, String sha256) throws IOException {
        long size = blobs.size(sha256).orElseThrow(() -> ControlException.notFound("no blob " + sha256));
        call.setHeader("Accept-Ranges", "bytes");
        call.setHeader("ETag", "\"" + sha256 + "\"");
        call.setHeader("Content-Type", "application/octet-stream");
        String header = call.header("Range");
        long first = 0;
        long length = size;
        int status = 200;
        if (header != null) {
            ByteRange range = ByteRange.parse(header, size);
            if (range == null) {
                call.setHeader("Content-Range", "bytes */" + size);
                throw new HttpError(
                        416, "range '" + header + "' is not one satisfiable bytes=N- or bytes=N-M of " + size);
            }
            first = range.first();
            length = range.length();
            status = 206;
            call.setHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        try (OutputStream out = call.sendStream(status, length)) {
            blobs.read(sha256, first, length, out);
        }
    }
}
