package io.fogline.routing.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RedactionPropertiesTest {

    private final Redactor redactor = Redactor.standard();

    @Property
    void restoringARedactedTextGivesTheOriginal(@ForAll("textsWithEntities") String text) {
        RedactionSession session = redactor.newSession();
        assertThat(session.restore(session.redact(text))).isEqualTo(text);
    }

    @Property
    void anyTextRoundTrips(@ForAll String text) {
        RedactionSession session = redactor.newSession();
        assertThat(session.restore(session.redact(text))).isEqualTo(text);
    }

    @Property
    void noEntityPutIntoATextSurvivesRedaction(@ForAll("words") List<String> words, @ForAll("entities") String entity) {
        String text = String.join(" ", words) + " " + entity + ". " + String.join(" ", words.reversed());
        String redacted = redactor.newSession().redact(text);
        assertThat(redacted).doesNotContain(entity);
        assertThat(redactor.find(redacted)).isEmpty();
    }

    @Property
    void restoringAStreamInAnyPiecesGivesTheWholeRestoredAnswer(
            @ForAll("textsWithEntities") String text, @ForAll("cuts") List<Integer> cuts) {
        RedactionSession session = redactor.newSession();
        String redacted = session.redact(text);
        StreamRestorer restorer = session.streamRestorer();
        StringBuilder restored = new StringBuilder();
        int from = 0;
        for (int cut :
                cuts.stream().map(c -> c % (redacted.length() + 1)).sorted().toList()) {
            restored.append(restorer.next(redacted.substring(from, Math.max(from, cut))));
            from = Math.max(from, cut);
        }
        restored.append(restorer.next(redacted.substring(from))).append(restorer.finish());
        assertThat(restored.toString()).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> entities() {
        return EntityArbitraries.any();
    }

    @Provide
    Arbitrary<List<String>> words() {
        return Arbitraries.of(
                        "the",
                        "order",
                        "was",
                        "sent",
                        "to",
                        "please",
                        "call",
                        "on",
                        "at",
                        "v2.1",
                        "2024-05-01",
                        "<",
                        ">",
                        "ORD-88123",
                        "<EMAIL_1>",
                        "total",
                        "12:30")
                .list()
                .ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> textsWithEntities() {
        return Arbitraries.oneOf(words().map(w -> String.join(" ", w)), EntityArbitraries.any())
                .list()
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(parts -> String.join(" ", parts));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(6);
    }
}
