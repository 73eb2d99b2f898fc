package io.fogline.node.http;

import io.fogline.core.error.InferenceException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Request bodies sent with {@code Content-Encoding: gzip} or {@code deflate}, as Triton's clients send them when asked
 * to compress. The decoded body is held to the same limit as a plain one, checked while inflating, so a small body
 * that inflates without end is refused after the limit, not after memory runs out.
 */
final class ContentDecoding {

    private ContentDecoding() {}

    /** Whether a body with this {@code Content-Encoding} is to be taken as it is. */
    static boolean isIdentity(String encoding) {
        return encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity");
    }

    /**
     * @param encoding the request's {@code Content-Encoding}
     * @param limit the most bytes the decoded body may have
     * @throws InferenceException 400 for an unknown encoding or a corrupt stream, 413 past the limit
     */
    static byte[] decode(String encoding, byte[] body, long limit) {
        if (isIdentity(encoding)) {
            return body;
        }
        String name = encoding.trim().toLowerCase(Locale.ROOT);
        try (InputStream in = open(name, body)) {
            return readBounded(in, limit);
        } catch (IOException e) {
            throw InferenceException.invalid("the request body is not valid " + name + ": " + e.getMessage());
        }
    }

    private static InputStream open(String encoding, byte[] body) throws IOException {
        return switch (encoding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            // HTTP's deflate is zlib-wrapped (RFC 9110); some clients send the raw stream, which has no zlib header.
            case "deflate" -> {
                Inflater inflater = new Inflater(!zlibHeader(body));
                yield new InflaterInputStream(new ByteArrayInputStream(body), inflater) {
                    @Override
                    public void close() throws IOException {
                        super.close();
                        inflater.end(); // a stream given its inflater leaves ending it to its owner
                    }
                };
            }
            default ->
                throw InferenceException.invalid(
                        "Content-Encoding '" + encoding + "' is not supported; send gzip, deflate or identity");
        };
    }

    private static boolean zlibHeader(byte[] body) {
        return body.length >= 2 && (body[0] & 0x0f) == 8 && (((body[0] & 0xff) << 8) | (body[1] & 0xff)) % 31 == 0;
    }

    private static byte[] readBounded(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = in.read(chunk)) > 0) {
            if (out.size() + (long) read > limit) {
                throw InferenceException.tooLarge(
                        "the decompressed request body is larger than the limit of " + limit + " bytes");
            }
            out.write(chunk, 0, read);
        }
        return out.toByteArray();
    }
}
