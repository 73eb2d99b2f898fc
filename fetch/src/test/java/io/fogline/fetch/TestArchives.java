package io.fogline.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Archives written byte by byte for tests: ustar entries, tarballs, and Debian packages (ar + data.tar.xz). */
final class TestArchives {

    private TestArchives() {}

    static byte[] entry(String name, String content, String prefix) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[512 + (bytes.length + 511) / 512 * 512];
        System.arraycopy(header(name, bytes.length, '0', prefix), 0, block, 0, 512);
        System.arraycopy(bytes, 0, block, 512, bytes.length);
        return block;
    }

    static byte[] header(String name, long size, char type, String prefix) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 124, String.format("%011o", size));
        Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        put(header, 345, prefix);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        return header;
    }

    static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    static byte[] tar(byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] entry : entries) {
            out.writeBytes(entry);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** A Debian package whose data.tar.xz holds {@code dataTar}, after a debian-binary and a control member. */
    static byte[] deb(byte[] dataTar) {
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
            out.write(dataTar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream deb = new ByteArrayOutputStream();
        deb.writeBytes("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        member(deb, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        member(deb, "control.tar.xz", new byte[] {1, 2, 3});
        member(deb, "data.tar.xz", xz.toByteArray());
        return deb.toByteArray();
    }

    private static void member(ByteArrayOutputStream out, String name, byte[] content) {
        String header = String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", name, "0", "0", "0", "100644", content.length);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        if (content.length % 2 == 1) {
            out.write('\n');
        }
    }
}
