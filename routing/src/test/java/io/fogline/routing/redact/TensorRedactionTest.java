package io.fogline.routing.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorRedactionTest {

    @Test
    void redactsTextElementsAndPassesBinaryElementsAndOtherTensorsUnchanged() {
        byte[] binary = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00, '@'};
        Tensor texts = Tensor.ofBytes(
                "texts", new long[] {2}, List.of("ip 10.0.0.7".getBytes(StandardCharsets.UTF_8), binary));
        Tensor numbers = Tensor.ofFloats("x", new long[] {1, 2}, 1f, 2f);
        InferenceRequest request = new InferenceRequest("id", Map.of("k", 1), List.of(texts, numbers), List.of());

        InferenceRequest redacted =
                TensorRedaction.redact(request, Redactor.standard().newSession());

        List<byte[]> elements = redacted.input("texts").toByteElements();
        assertThat(new String(elements.get(0), StandardCharsets.UTF_8)).isEqualTo("ip <IPV4_1>");
        assertThat(elements.get(1)).isEqualTo(binary);
        assertThat(redacted.input("texts").shape()).containsExactly(2);
        assertThat(redacted.input("x")).isSameAs(numbers);
        assertThat(redacted.id()).isEqualTo("id");
        assertThat(redacted.parameters()).isEqualTo(Map.of("k", 1));
    }
}
