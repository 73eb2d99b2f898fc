package io.fogline.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every message the protocol allows reads back as it was written. */
class ProtocolJsonProperties {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings()
                .withChars("abcXYZ019._-")
                .ofMinLength(0)
                .ofMaxLength(20)
                .map(tail -> "m" + tail);
    }

    @Provide
    Arbitrary<Feedback> reports() {
        Arbitrary<Double> rate = Arbitraries.doubles().between(0, 1).injectNull(0.3);
        Arbitrary<Quality> quality = Combinators.combine(
                        Arbitraries.of(true, false).injectNull(0.3),
                        Arbitraries.doubles().between(0, 1e6).injectNull(0.3),
                        rate,
                        rate)
                .as(Quality::new)
                .injectNull(0.3);
        Arbitrary<List<RunningModel>> running = Combinators.combine(
                        names(), Arbitraries.longs().between(1, Long.MAX_VALUE))
                .as(RunningModel::new)
                .list()
                .ofMaxSize(3)
                .injectNull(0.3);
        return Combinators.combine(
                        Arbitraries.longs().between(1, Long.MAX_VALUE),
                        Arbitraries.longs().between(1, Long.MAX_VALUE).injectNull(0.2),
                        names().injectNull(0.2),
                        Arbitraries.longs().between(1, Long.MAX_VALUE).injectNull(0.2),
                        Arbitraries.of(UpdateStatus.class),
                        Arbitraries.strings().ofMinLength(1).ofMaxLength(40).injectNull(0.3),
                        quality,
                        running)
                .filter((seq, action, model, version, status, reason, q, r) ->
                        status != UpdateStatus.FAILED || (reason != null && !reason.isBlank()))
                .as(Feedback::new);
    }

    @Property(tries = 500)
    void reportsReadBackAsWritten(@ForAll("reports") Feedback report) {
        assertThat(ProtocolJson.read(ProtocolJson.write(report), Feedback.class))
                .isEqualTo(report);
    }

    @Property(tries = 300)
    void desiredStatesReadBackAsWritten(
            @ForAll("names") String model, @ForAll("names") String other, @ForAll long seed) {
        String digest = String.format("%064x", seed & Long.MAX_VALUE);
        List<DesiredModel> models = model.equals(other)
                ? List.of(new DesiredModel(model, 1 + (seed & 0xffff), digest, 7))
                : List.of(new DesiredModel(model, 1, digest, 7), new DesiredModel(other, Long.MAX_VALUE, digest, 8));
        DesiredState state = new DesiredState(30, models);
        assertThat(ProtocolJson.read(ProtocolJson.write(state), DesiredState.class))
                .isEqualTo(state);
    }
}
