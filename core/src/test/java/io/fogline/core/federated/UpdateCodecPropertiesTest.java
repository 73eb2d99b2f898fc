package io.fogline.core.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What a node encodes, the control plane decodes: exactly for FP32, within the stated loss for INT8 and top-k. */
class UpdateCodecPropertiesTest {

    private static final int MAX_DIMENSION = 1000;

    @Property(tries = 500)
    void fp32CarriesEveryBitAndEveryField(@ForAll("updates") ModelUpdate update) {
        byte[] body = UpdateCodec.encode(update, UpdateEncoding.fp32());

        assertThat(UpdateCodec.decode(body, body.length, MAX_DIMENSION)).isEqualTo(update);
        assertThat(body.length).isEqualTo(headerSize(update) + 4 * update.delta().length);
    }

    @Property(tries = 500)
    /** Blocks whose largest magnitude is subnormal may round to zero: their step underflows. */
    void int8IsWithinHalfAStepOfItsBlock(@ForAll("updates") ModelUpdate update, @ForAll("blocks") int block) {
        byte[] body = UpdateCodec.encode(update, new UpdateEncoding.Int8(block));

        ModelUpdate decoded = UpdateCodec.decode(body, body.length, MAX_DIMENSION);
        float[] sent = update.delta();
        float[] received = decoded.delta();
        for (int start = 0; start < sent.length; start += block) {
            int end = Math.min(sent.length, start + block);
            float max = 0;
            for (int k = start; k < end; k++) {
                max = Math.max(max, Math.abs(sent[k]));
            }
            double halfStep = max / 127.0 / 2;
            for (int k = start; k < end; k++) {
                assertThat((double) received[k]).isCloseTo(sent[k], offset(halfStep * 1.0001 + Float.MIN_NORMAL));
            }
        }
        int blocks = (sent.length + block - 1) / block;
        assertThat(body.length).isEqualTo(headerSize(update) + 4 + 4 * blocks + sent.length);
        assertThat(decoded.metrics()).isEqualTo(update.metrics());
    }

    @Property(tries = 500)
    void topKKeepsTheLargestMagnitudesExactly(
            @ForAll("updates") ModelUpdate update, @ForAll("fractions") double fraction) {
        UpdateEncoding.TopK topK = new UpdateEncoding.TopK(fraction);
        byte[] body = UpdateCodec.encode(update, topK);

        float[] sent = update.delta();
        float[] received = UpdateCodec.decode(body, body.length, MAX_DIMENSION).delta();
        Set<Integer> kept = keptIndices(body);
        assertThat(kept).hasSize(topK.kept(sent.length));
        float smallestKept = Float.POSITIVE_INFINITY;
        float largestDropped = 0;
        for (int k = 0; k < sent.length; k++) {
            if (kept.contains(k)) {
                assertThat(Float.floatToIntBits(received[k])).isEqualTo(Float.floatToIntBits(sent[k]));
                smallestKept = Math.min(smallestKept, Math.abs(sent[k]));
            } else {
                assertThat(received[k]).isZero();
                largestDropped = Math.max(largestDropped, Math.abs(sent[k]));
            }
        }
        assertThat(largestDropped).isLessThanOrEqualTo(smallestKept);
    }

    @Property(tries = 300)
    void encodingsParseFromTheirText(@ForAll("encodings") UpdateEncoding encoding) {
        assertThat(UpdateEncoding.parse(encoding.toString())).isEqualTo(encoding);
    }

    @Property(tries = 300)
    void theHeaderTellsWhatTheBodyHolds(
            @ForAll("updates") ModelUpdate update, @ForAll("encodings") UpdateEncoding encoding) {
        byte[] body = UpdateCodec.encode(update, encoding);

        UpdateHeader header = UpdateCodec.decodeHeader(body, body.length);

        assertThat(header.job()).isEqualTo(update.job());
        assertThat(header.round()).isEqualTo(update.round());
        assertThat(header.exampleCount()).isEqualTo(update.exampleCount());
        assertThat(header.metrics()).isEqualTo(update.metrics());
        assertThat(header.dimension()).isEqualTo(update.delta().length);
        assertThat(header.encoding().tag()).isEqualTo(encoding.tag());
    }

    /** The indices a top-k body carries, read from its gaps. */
    private static Set<Integer> keptIndices(byte[] body) {
        int position = UpdateCodec.decodeHeader(body, body.length).payloadOffset();
        int kept = ByteBuffer.wrap(body, position, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        position += 4;
        Set<Integer> indices = new HashSet<>();
        int previous = -1;
        for (int k = 0; k < kept; k++) {
            int gap = 0;
            for (int shift = 0; ; shift += 7) {
                int b = body[position++] & 0xff;
                gap |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            previous = previous + 1 + gap;
            indices.add(previous);
        }
        return indices;
    }

    private static int headerSize(ModelUpdate update) {
        return 4
                + 1
                + 1
                + 1
                + update.job().length()
                + 4
                + 8
                + 1
                + 4
                + update.metrics().keySet().stream()
                        .mapToInt(name -> 1 + name.length() + 8)
                        .sum();
    }

    @Provide
    Arbitrary<ModelUpdate> updates() {
        return UpdateArbitraries.updates();
    }

    @Provide
    Arbitrary<UpdateEncoding> encodings() {
        return UpdateArbitraries.encodings();
    }

    @Provide
    Arbitrary<Integer> blocks() {
        return Arbitraries.integers().between(1, 300);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.of(0.001, 0.01, 0.1, 0.37, 1.0);
    }
}
