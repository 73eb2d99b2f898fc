package io.fogline.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ContentDecodingTest {

    @Property(tries = 200)
    void gzipZlibAndRawDeflateBodiesComeBackAsSent(@ForAll @Size(max = 3000) byte[] body) throws IOException {
        assertThat(ContentDecoding.decode("gzip", gzip(body), 3000)).isEqualTo(body);
        assertThat(ContentDecoding.decode("deflate", deflate(body, false), 3000))
                .isEqualTo(body);
        assertThat(ContentDecoding.decode("Deflate ", deflate(body, true), 3000))
                .isEqualTo(body);
    }

    @Test
    void anIdentityBodyIsTakenAsItIs() {
        byte[] body = {1, 2, 3};
        assertThat(ContentDecoding.decode(null, body, 1)).isSameAs(body);
        assertThat(ContentDecoding.decode("identity", body, 1)).isSameAs(body);
    }

    @Test
    void aBodyThatInflatesPastTheLimitIs413() throws IOException {
        byte[] bomb = gzip(new byte[10 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(20 * 1024);
        assertThatThrownBy(() -> ContentDecoding.decode("gzip", bomb, 65536))
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.kind())
                        .isEqualTo(InferenceException.Kind.PAYLOAD_TOO_LARGE))
                .hasMessage("the decompressed request body is larger than the limit of 65536 bytes");
    }

    @Test
    void aCorruptOrTruncatedStreamIs400() throws IOException {
        assertThatThrownBy(() -> ContentDecoding.decode("gzip", "{\"inputs\": []}".getBytes(), 100))
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.kind())
                        .isEqualTo(InferenceException.Kind.INVALID_ARGUMENT))
                .hasMessage("the request body is not valid gzip: Not in GZIP format");
        byte[] whole = gzip(new byte[1000]);
        assertThatThrownBy(() -> ContentDecoding.decode("gzip", Arrays.copyOf(whole, whole.length - 12), 2000))
                .hasMessage("the request body is not valid gzip: Unexpected end of ZLIB input stream");
        byte[] corrupt = deflate(new byte[1000], false);
        corrupt[corrupt.length - 1] ^= 0x55;
        assertThatThrownBy(() -> ContentDecoding.decode("deflate", corrupt, 2000))
                .hasMessage("the request body is not valid deflate: incorrect data check");
    }

    @Test
    void anUnknownEncodingIs400() {
        assertThatThrownBy(() -> ContentDecoding.decode("br", new byte[1], 10))
                .hasMessage("Content-Encoding 'br' is not supported; send gzip, deflate or identity");
    }

    static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] body, boolean raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater)) {
            deflate.write(body);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }
}
