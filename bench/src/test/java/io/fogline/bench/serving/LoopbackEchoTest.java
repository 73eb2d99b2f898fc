package io.fogline.bench.serving;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoopbackEchoTest {

    @Test
    void eachClientReadsBackAsManyBytesAsItSentUntilTheEchoCloses() throws IOException {
        byte[] request = "POST /v2/models/mlp/infer HTTP/1.1\r\n\r\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
        Exchange second;
        try (LoopbackEcho echo = LoopbackEcho.start();
                Exchange first = echo.client(request)) {
            second = echo.client(new byte[] {1, 2, 3});
            for (int i = 0; i < 1_000; i++) {
                first.exchange();
                second.exchange();
            }
        }

        assertThatThrownBy(second::exchange).isInstanceOf(IOException.class);
        second.close();
    }
}
