package io.fogline.core.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each way a body can be wrong, refused with its own message and the byte where it is wrong. */
class UpdateCodecErrorsTest {

    private static final int MAX_DIMENSION = 1000;

    private static final ModelUpdate UPDATE =
            new ModelUpdate("job-1", 3, 600, Map.of("loss", 0.5), new float[] {0.5f, -1f, 0f, 2f, 0.25f});

    @Test
    void aBodyThatIsNotAnUpdateSaysSo() {
        byte[] body = "{\"json\": true}".getBytes();

        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessage("not an update: the body does not begin with FLUP");
    }

    @Test
    void anUnknownVersionOrEncodingIsNamed() {
        byte[] body = UpdateCodec.encode(UPDATE, UpdateEncoding.fp32());
        body[4] = 2;
        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .hasMessage("update format version 2 is unknown; this build reads 1");
        body[4] = 1;
        body[5] = 7;
        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .hasMessage("encoding 7 at byte 5 is unknown: 0 FP32, 1 INT8 and 2 top-k are");
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] body = Arrays.copyOf(UpdateCodec.encode(UPDATE, UpdateEncoding.fp32()), 200);
        int length = UpdateCodec.encode(UPDATE, UpdateEncoding.fp32()).length + 3;

        assertThatThrownBy(() -> UpdateCodec.decode(body, length, MAX_DIMENSION))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessage("3 bytes follow the delta, which ends at byte " + (length - 3));
    }

    @Test
    void aHugeDimensionIsRefusedBeforeAnythingIsAllocated() {
        byte[] body = UpdateCodec.encode(UPDATE, UpdateEncoding.fp32());
        int dimensionAt = UpdateCodec.decodeHeader(body, body.length).payloadOffset() - 4;
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(dimensionAt, Integer.MAX_VALUE);

        UpdateHeader header = UpdateCodec.decodeHeader(body, body.length);
        assertThat(header.dimension()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessage("dimension 2147483647 is over the 1000 this reader accepts");
        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, header))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessage("the body ends at byte " + body.length + " but FP32 delta at byte " + (dimensionAt + 4)
                        + " need " + 4L * Integer.MAX_VALUE);
    }

    @Test
    void int8RefusesMinus128SoEveryValueHasOneReading() {
        byte[] body = UpdateCodec.encode(UPDATE, new UpdateEncoding.Int8(4));
        body[body.length - 1] = Byte.MIN_VALUE;

        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .hasMessage("INT8 value -128 at byte " + (body.length - 1) + ": the encoding is symmetric, -127..127");
    }

    @Test
    void topKRefusesIndicesPastTheDimensionAndLongGaps() {
        byte[] body = UpdateCodec.encode(UPDATE, new UpdateEncoding.TopK(0.2));
        int gapAt = UpdateCodec.decodeHeader(body, body.length).payloadOffset() + 4;
        assertThat(body[gapAt]).isEqualTo((byte) 3); // the largest magnitude, 2, is at index 3

        body[gapAt] = 5;
        assertThatThrownBy(() -> UpdateCodec.decode(body, body.length, MAX_DIMENSION))
                .hasMessage("top-k index 5 at byte " + gapAt + " is outside the dimension 5");

        byte[] padded = new byte[body.length + 1];
        System.arraycopy(body, 0, padded, 0, gapAt);
        padded[gapAt] = (byte) 0x83;
        padded[gapAt + 1] = 0;
        System.arraycopy(body, gapAt + 1, padded, gapAt + 2, body.length - gapAt - 1);
        assertThatThrownBy(() -> UpdateCodec.decode(padded, padded.length, MAX_DIMENSION))
                .hasMessage("top-k index gap at byte " + gapAt + " is not in its shortest form");
    }

    @Test
    void aRoundBelowOneAndANegativeExampleCountAreRefused() {
        byte[] body = UpdateCodec.encode(UPDATE, UpdateEncoding.fp32());
        int roundAt = 7 + UPDATE.job().length();
        ByteBuffer buffer = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(roundAt, 0);
        assertThatThrownBy(() -> UpdateCodec.decodeHeader(body, body.length))
                .hasMessage("round 0 must be at least 1 (byte " + roundAt + ")");
        buffer.putInt(roundAt, 3).putLong(roundAt + 4, -5);
        assertThatThrownBy(() -> UpdateCodec.decodeHeader(body, body.length))
                .hasMessage("example count -5 must not be negative (byte " + (roundAt + 4) + ")");
    }

    @Test
    void aJobIdOutsideItsAlphabetIsRefused() {
        byte[] body = UpdateCodec.encode(UPDATE, UpdateEncoding.fp32());
        body[7] = '/';

        assertThatThrownBy(() -> UpdateCodec.decodeHeader(body, body.length))
                .hasMessage("job at byte 7 is not [A-Za-z0-9._-]{1,64}");
    }

    @Test
    void theEncoderRefusesWhatNoDecoderWouldAccept() {
        assertThatThrownBy(() -> UpdateCodec.encode(
                        new ModelUpdate("a/b", 1, 1, Map.of(), new float[] {1}), UpdateEncoding.fp32()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a job id is 1 to 64");
        assertThatThrownBy(() -> UpdateCodec.encode(
                        new ModelUpdate("a", 1, 1, Map.of(), new float[] {1, Float.NaN}), UpdateEncoding.int8()))
                .hasMessage("coordinate 1 is NaN: int8 encodes finite deltas only");
    }

    @Test
    void unknownEncodingTextShowsTheForms() {
        assertThatThrownBy(() -> UpdateEncoding.parse("zip"))
                .hasMessage("unknown update encoding 'zip': expected fp32, int8[:BLOCK] or topk:FRACTION, e.g."
                        + " topk:0.01");
        assertThatThrownBy(() -> UpdateEncoding.parse("topk:2"))
                .hasMessage("top-k keeps a fraction in (0, 1] of the coordinates, not 2.0");
    }
}
