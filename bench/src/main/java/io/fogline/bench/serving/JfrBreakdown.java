package io.fogline.bench.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a node's request threads spent their CPU time, from a JDK Flight Recorder recording with CPU-time sampling
 * ({@code jdk.CPUTimeSample}, native frames included): each sample of an event loop or gRPC transport thread is put in
 * one part of the request path by its stack, and the hottest Fogline methods are listed. Prints Markdown.
 *
 * <p>Usage: {@code java -cp fogline.jar io.fogline.bench.serving.JfrBreakdown RECORDING.jfr}
 */
public final class JfrBreakdown {

    /** The threads that run requests, by name prefix: Vert.x's event loops (HTTP) and gRPC's transport threads. */
    private static final Map<String, String> REQUEST_THREADS = new LinkedHashMap<>();

    static {
        REQUEST_THREADS.put("vert.x-eventloop", "HTTP (Vert.x event loops)");
        REQUEST_THREADS.put("grpc-default-worker", "gRPC (transport threads)");
    }

    static final String ORT = "ONNX Runtime (OrtSession.run)";
    static final String SOCKETS = "socket reads, writes and epoll (native)";
    static final String OBSERVERS = "metrics, telemetry and answer log (Fogline observers)";
    static final String FOGLINE = "Fogline request code (codec, validation, routing, batcher)";
    static final String TRANSPORT = "Netty, Vert.x, gRPC and protobuf (Java)";
    private static final List<String> PARTS = List.of(ORT, SOCKETS, OBSERVERS, FOGLINE, TRANSPORT);

    private static final int STACK_DEPTH_LIMIT = 64;
    private static final int TOP_METHODS = 12;

    private JfrBreakdown() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JfrBreakdown RECORDING.jfr");
            System.exit(2);
        }
        System.out.print(markdown(Path.of(args[0])));
    }

    /** The breakdown of one recording as Markdown tables. */
    static String markdown(Path recording) throws IOException {
        Map<String, Map<String, Long>> partsByThreads = new LinkedHashMap<>();
        Map<String, Map<String, Long>> methodsByThreads = new LinkedHashMap<>();
        for (String threads : REQUEST_THREADS.keySet()) {
            Map<String, Long> parts = new LinkedHashMap<>();
            PARTS.forEach(part -> parts.put(part, 0L));
            partsByThreads.put(threads, parts);
            methodsByThreads.put(threads, new LinkedHashMap<>());
        }
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String threads = requestThreads(event);
            RecordedStackTrace stack = event.getStackTrace();
            if (threads == null
                    || !event.getEventType().getName().equals("jdk.CPUTimeSample")
                    || stack == null
                    || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            partsByThreads.get(threads).merge(part(frames), 1L, Long::sum);
            String fogline = innermostFoglineMethod(frames);
            if (fogline != null) {
                methodsByThreads.get(threads).merge(fogline, 1L, Long::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("CPU-time samples of the request threads, share of each part of the request path:\n\n| part |");
        REQUEST_THREADS.values().forEach(label -> out.append(' ').append(label).append(" |"));
        out.append("\n|---|").append("---|".repeat(REQUEST_THREADS.size())).append('\n');
        for (String part : PARTS) {
            out.append("| ").append(part).append(" |");
            partsByThreads
                    .values()
                    .forEach(parts -> out.append(String.format(
                            Locale.ROOT, " %.1f%% |", 100.0 * parts.get(part) / Math.max(1, samples(parts)))));
            out.append('\n');
        }
        out.append("| samples |");
        partsByThreads
                .values()
                .forEach(parts -> out.append(' ').append(samples(parts)).append(" |"));
        out.append("\n");
        methodsByThreads.forEach((threads, methods) -> {
            long all = Math.max(1, samples(partsByThreads.get(threads)));
            out.append("\nInnermost Fogline method on the stack, ")
                    .append(REQUEST_THREADS.get(threads))
                    .append(" (what it called counted to it):\n\n| method | share |\n|---|---|\n");
            methods.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .limit(TOP_METHODS)
                    .forEach(method -> out.append(String.format(
                            Locale.ROOT, "| `%s` | %.1f%% |%n", method.getKey(), 100.0 * method.getValue() / all)));
        });
        return out.toString();
    }

    private static long samples(Map<String, Long> parts) {
        return parts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The prefix of the request threads that recorded {@code event}, or null for another thread. */
    private static String requestThreads(RecordedEvent event) {
        RecordedThread thread = event.hasField("eventThread") ? event.getThread("eventThread") : null;
        String name = thread == null ? null : thread.getJavaName();
        if (name == null) {
            return null;
        }
        return REQUEST_THREADS.keySet().stream()
                .filter(name::startsWith)
                .findFirst()
                .orElse(null);
    }

    /**
     * The part of the request path a sample falls in: that of its innermost frame outside the JDK, so that a JDK
     * collection or a native call counts to the library that called it.
     */
    static String part(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames.subList(0, Math.min(frames.size(), STACK_DEPTH_LIMIT))) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                continue;
            }
            if (type.startsWith("ai.onnxruntime.")) {
                return ORT;
            }
            if (type.contains("netty.channel.unix.") || type.contains("netty.channel.epoll.Native")) {
                return SOCKETS;
            }
            if (type.startsWith("io.fogline.node.metrics.")
                    || type.startsWith("io.fogline.node.telemetry.")
                    || type.startsWith("io.fogline.node.labels.")
                    || type.startsWith("io.micrometer.")) {
                return OBSERVERS;
            }
            // Jackson reads and writes the JSON of Fogline's codec.
            if (type.startsWith("io.fogline.") || type.startsWith("com.fasterxml.jackson.")) {
                return FOGLINE;
            }
            return TRANSPORT;
        }
        return TRANSPORT;
    }

    private static String innermostFoglineMethod(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("io.fogline.")) {
                return type.substring(type.lastIndexOf('.') + 1) + "."
                        + frame.getMethod().getName();
            }
        }
        return null;
    }
}
