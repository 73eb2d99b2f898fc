package io.fogline.cli;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.openai.OpenAiSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline node}: serves a model repository over the Open Inference Protocol. Flags follow Triton's names. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Serve the models of a repository over HTTP.")
final class NodeCommand implements Callable<Integer> {

    @Option(
            names = "--model-repository",
            required = true,
            description = "Directory laid out as <model>/<version>/model.onnx with an optional <model>/config.json.")
    Path modelRepository;

    @Option(
            names = "--http-port",
            defaultValue = "8000",
            description = "Port of the HTTP API (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--http-address",
            defaultValue = "0.0.0.0",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String httpAddress;

    @Option(
            names = "--max-request-bytes",
            defaultValue = "" + NodeOptions.DEFAULT_MAX_REQUEST_BYTES,
            description = "Larger request bodies are refused with 413 (default ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(
            names = "--openai-config",
            description = "JSON file with the chat upstreams, redaction and caches of the OpenAI-compatible"
                    + " endpoints (see README); without it /v1/embeddings serves and chat has no upstream.")
    Path openAiConfig;

    @Override
    public Integer call() throws InterruptedException {
        long started = System.nanoTime();
        NodeOptions options = NodeOptions.defaults(modelRepository)
                .withHost(httpAddress)
                .withHttpPort(httpPort)
                .withMaxRequestBytes(maxRequestBytes);
        if (openAiConfig != null) {
            options = options.withOpenAi(OpenAiSettings.read(openAiConfig));
        }
        FoglineNode node = FoglineNode.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        System.out.printf(
                "fogline node ready on http://%s:%d in %d ms, models: %s%n",
                httpAddress,
                node.port(),
                (System.nanoTime() - started) / 1_000_000,
                node.models().index());
        stopped.await();
        return 0;
    }
}
