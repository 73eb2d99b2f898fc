package io.fogline.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a ustar archive, as {@code npm pack} writes them, one after the other. Entries are looked up by
 * name and never written to a path taken from the archive, yet names that could escape a directory are refused anyway:
 * an archive carrying one is not what the registry should serve. A truncated archive fails instead of yielding a short
 * entry.
 */
final class TarReader {

    private static final int BLOCK = 512;

    private final InputStream in;
    private final long maxEntryBytes;
    private BoundedInputStream entry = new BoundedInputStream(InputStream.nullInputStream(), 0, "");
    private long paddingAfterEntry;

    record Entry(String name, long size, boolean regularFile) {}

    TarReader(InputStream in, long maxEntryBytes) {
        this.in = in;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** The next entry, or null at the end of the archive; any unread content of the previous entry is skipped. */
    Entry next() throws IOException {
        BoundedInputStream.skipFully(in, entry.remaining() + paddingAfterEntry, "truncated tar archive");
        paddingAfterEntry = 0;
        byte[] header = in.readNBytes(BLOCK);
        if (header.length == 0 || isZeroBlock(header)) {
            return null;
        }
        if (header.length < BLOCK) {
            throw new EOFException("truncated tar archive: header cut short after " + header.length + " bytes");
        }
        verifyChecksum(header);
        String name = text(header, 0, 100);
        if (text(header, 257, 6).equals("ustar")) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        refuseEscapingName(name);
        long size = octal(header, 124, 12, name);
        if (size > maxEntryBytes) {
            throw new IOException("tar entry " + name + " is " + size + " bytes, over the limit of " + maxEntryBytes);
        }
        byte type = header[156];
        entry = new BoundedInputStream(in, size, "truncated tar archive: entry content");
        paddingAfterEntry = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(name, size, type == '0' || type == 0);
    }

    /** The content of the entry {@link #next()} returned last; fails on a truncated archive. */
    InputStream content() {
        return entry;
    }

    private static void verifyChecksum(byte[] header) throws IOException {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            // The checksum field itself counts as eight spaces.
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        long recorded = octal(header, 148, 8, "header");
        if (sum != recorded) {
            throw new IOException("corrupt tar header: checksum " + recorded + ", computed " + sum);
        }
    }

    private static void refuseEscapingName(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            throw new IOException("tar entry name '" + name + "' is empty, absolute or uses backslashes; refusing it");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IOException("tar entry name '" + name + "' climbs out of the archive; refusing it");
            }
        }
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length, String entry) throws IOException {
        String digits = text(header, offset, length).trim();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '7') || digits.length() > 11) {
            throw new IOException("corrupt tar header of " + entry + ": '" + digits + "' is not an octal number");
        }
        return Long.parseLong(digits, 8);
    }
}
