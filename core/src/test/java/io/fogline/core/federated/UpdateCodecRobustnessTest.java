package io.fogline.core.federated;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever bytes arrive, the decoder answers with an update or a MalformedUpdateException, the control plane's named
 * refusal: never another exception, and never an allocation the body's length does not pay for.
 */
class UpdateCodecRobustnessTest {

    private static final int MAX_DIMENSION = 1000;

    @Property(tries = 2000)
    void truncatedBodiesAreMalformed(
            @ForAll("updates") ModelUpdate update, @ForAll("encodings") UpdateEncoding encoding, @ForAll int cut) {
        byte[] body = UpdateCodec.encode(update, encoding);
        int length = Math.floorMod(cut, body.length);

        assertThat(decodeOutcome(body, length)).isEqualTo("malformed");
    }

    @Property(tries = 3000)
    void corruptedBodiesDecodeOrAreMalformed(
            @ForAll("updates") ModelUpdate update,
            @ForAll("encodings") UpdateEncoding encoding,
            @ForAll int position,
            @ForAll byte value) {
        byte[] body = UpdateCodec.encode(update, encoding);
        body[Math.floorMod(position, body.length)] = value;

        assertThat(decodeOutcome(body, body.length)).isIn("decoded", "malformed");
    }

    @Property(tries = 1000)
    void randomBytesAfterTheMagicAreMalformedOrDecode(@ForAll("noise") byte[] noise) {
        byte[] body = new byte[noise.length + 6];
        System.arraycopy(UpdateCodec.MAGIC, 0, body, 0, 4);
        body[4] = 1;
        body[5] = (byte) Math.floorMod(noise.length, 3);
        System.arraycopy(noise, 0, body, 6, noise.length);

        assertThat(decodeOutcome(body, body.length)).isIn("decoded", "malformed");
    }

    private static String decodeOutcome(byte[] body, int length) {
        try {
            UpdateCodec.decode(body, length, MAX_DIMENSION);
            return "decoded";
        } catch (MalformedUpdateException e) {
            return "malformed";
        }
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
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }
}
