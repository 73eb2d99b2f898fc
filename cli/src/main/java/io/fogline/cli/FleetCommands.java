package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator's fleet commands that talk to the control plane: publish a bundle, issue tokens, list devices. */
final class FleetCommands {

    private FleetCommands() {}

    private static int failed(ControlConnection.ControlError e) {
        System.err.println("fogline: " + e.getMessage());
        return 1;
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = "Publish a signed bundle to the control plane's registry (again: no change).")
    static final class Publish implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(paramLabel = "BUNDLE", description = "The .fbundle file.")
        Path bundle;

        @Override
        public Integer call() {
            try {
                JsonNode published = connection.postFile("/api/v1/bundles", bundle);
                System.out.printf(
                        "%s %s version %d as bundle %s%n",
                        published.path("created").asBoolean() ? "published" : "already published:",
                        published.path("model").asText(),
                        published.path("version").asInt(),
                        published.path("bundle").asText());
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(
            name = "publish-key-list",
            mixinStandardHelpOptions = true,
            description = "Upload a signed key list (bundle key-list) for the control plane to serve to its nodes.")
    static final class PublishKeyList implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(paramLabel = "KEY_LIST", description = "The signed key list file.")
        Path keyList;

        @Override
        public Integer call() {
            try {
                JsonNode uploaded = connection.putFile("/api/v1/trust/key-list", keyList);
                System.out.printf(
                        "key list %d is served to the fleet%n",
                        uploaded.path("sequence").asLong());
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(
            name = "enrol-token",
            mixinStandardHelpOptions = true,
            description = "Issue an enrolment token; devices exchange it for a credential of their own.")
    static final class EnrolToken implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Option(names = "--group", description = "Group of the devices that enrol with it.")
        String group;

        @Option(names = "--label", description = "Label of the devices that enrol with it: key=value.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(
                names = "--ttl",
                defaultValue = "86400",
                description = "Seconds it stays valid (default ${DEFAULT-VALUE}).")
        long ttlSeconds;

        @Option(
                names = "--uses",
                defaultValue = "1",
                description = "How many devices may enrol with it (default ${DEFAULT-VALUE}).")
        long uses;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("group", group);
            body.put("labels", labels);
            body.put("ttl_seconds", ttlSeconds);
            body.put("uses", uses);
            try {
                System.out.println(connection
                        .post("/api/v1/enrolment-tokens", body)
                        .path("token")
                        .asText());
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(
            name = "devices",
            mixinStandardHelpOptions = true,
            description = "List enrolled devices: group, labels, last seen, running and desired versions.")
    static final class Devices implements Callable<Integer> {

        /** Devices per request: the control plane serves at most 5,000 a page. */
        private static final int PAGE = 1000;

        @Mixin
        ControlConnection connection;

        @Option(names = "--group", description = "Only this group.")
        String group;

        @Override
        public Integer call() {
            try {
                System.out.printf(
                        "%-20s %-12s %-7s %-24s %-24s %s%n",
                        "device", "group", "online", "running", "desired", "last report");
                String pages = "/api/v1/devices?limit=" + PAGE + (group == null ? "" : "&group=" + group);
                String after = null;
                do {
                    JsonNode devices = connection.get(pages
                            + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
                    for (JsonNode device : devices) {
                        System.out.printf(
                                "%-20s %-12s %-7s %-24s %-24s %s%n",
                                device.path("id").asText(),
                                device.path("group").asText("-"),
                                device.path("online").asBoolean() ? "yes" : "no",
                                versions(device.path("running")),
                                versions(device.path("desired")),
                                device.path("last_status").asText("-"));
                    }
                    after = devices.size() == PAGE
                            ? devices.get(PAGE - 1).path("id").asText()
                            : null;
                } while (after != null);
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }

        private static String versions(JsonNode models) {
            StringBuilder text = new StringBuilder();
            for (JsonNode model : models) {
                text.append(text.isEmpty() ? "" : ",")
                        .append(model.path("model").asText())
                        .append(':')
                        .append(model.path("version").asInt());
            }
            return text.isEmpty() ? "-" : text.toString();
        }
    }
}
