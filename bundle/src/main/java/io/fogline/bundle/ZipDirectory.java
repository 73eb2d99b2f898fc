package io.fogline.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a zip's central directory itself, because {@code java.util.zip} hides what a bundle must refuse: links
 * (Unix mode bits), duplicate names, and entries whose data overlap (the non-recursive zip bomb).
 */
final class ZipDirectory {

    /** One central directory entry. */
    record Entry(String name, long compressedSize, long size) {}

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final int UNIX_HOST = 3;
    private static final int TYPE_MASK = 0170000;
    private static final int REGULAR_FILE = 0100000;
    private static final int SYMBOLIC_LINK = 0120000;

    private ZipDirectory() {}

    /** The entries, after refusing every structural problem a bundle must not have. */
    static List<Entry> read(Path file, BundleLimits limits) throws IOException, BundleException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer end = findEnd(channel, fileSize);
            int count = Short.toUnsignedInt(end.getShort(10));
            long directorySize = Integer.toUnsignedLong(end.getInt(12));
            long directoryOffset = Integer.toUnsignedLong(end.getInt(16));
            if (end.getShort(4) != 0 || end.getShort(6) != 0 || count != Short.toUnsignedInt(end.getShort(8))) {
                throw malformed("spans several disks");
            }
            if (count == 0xffff || directoryOffset == 0xffffffffL || directorySize == 0xffffffffL) {
                throw malformed("uses zip64, which bundles do not");
            }
            if (count > limits.maxFiles() + 2) {
                throw new BundleException(
                        Refusal.OVERSIZE, "archive has " + count + " entries, over the limit of " + limits.maxFiles());
            }
            if (directoryOffset + directorySize > fileSize - END_SIZE) {
                throw malformed("has a central directory past its end (truncated?)");
            }
            ByteBuffer directory = readFully(channel, directoryOffset, (int) directorySize);
            List<Located> entries = new ArrayList<>();
            Set<String> names = new HashSet<>();
            long total = 0;
            for (int i = 0; i < count; i++) {
                Located entry = central(directory, limits);
                if (!names.add(entry.entry.name())) {
                    throw new BundleException(
                            Refusal.DUPLICATE_ENTRY, "archive holds '" + entry.entry.name() + "' twice");
                }
                total += entry.entry.size();
                if (total > limits.maxTotalBytes()) {
                    throw new BundleException(
                            Refusal.OVERSIZE, "archive holds over " + limits.maxTotalBytes() + " bytes");
                }
                entries.add(entry);
            }
            checkNoOverlap(channel, entries, directoryOffset);
            return entries.stream().map(Located::entry).toList();
        }
    }

    private record Located(Entry entry, long localOffset) {}

    private static Located central(ByteBuffer directory, BundleLimits limits) throws BundleException {
        if (directory.remaining() < CENTRAL_SIZE || directory.getInt(directory.position()) != CENTRAL_SIGNATURE) {
            throw malformed("has a damaged central directory");
        }
        int start = directory.position();
        int madeBy = Short.toUnsignedInt(directory.getShort(start + 4));
        int flags = Short.toUnsignedInt(directory.getShort(start + 8));
        int method = Short.toUnsignedInt(directory.getShort(start + 10));
        long compressed = Integer.toUnsignedLong(directory.getInt(start + 20));
        long size = Integer.toUnsignedLong(directory.getInt(start + 24));
        int nameLength = Short.toUnsignedInt(directory.getShort(start + 28));
        int extraLength = Short.toUnsignedInt(directory.getShort(start + 30));
        int commentLength = Short.toUnsignedInt(directory.getShort(start + 32));
        long external = Integer.toUnsignedLong(directory.getInt(start + 38));
        long localOffset = Integer.toUnsignedLong(directory.getInt(start + 42));
        int next = start + CENTRAL_SIZE + nameLength + extraLength + commentLength;
        if (next > directory.limit()) {
            throw malformed("has a damaged central directory");
        }
        String name = name(directory.slice(start + CENTRAL_SIZE, nameLength));
        directory.position(next);
        if (name.endsWith("/")) {
            throw new BundleException(Refusal.UNLISTED_ENTRY, "archive holds directory entry '" + name + "'");
        }
        SafePath.check(name);
        int unixType = (int) (external >>> 16) & TYPE_MASK;
        if ((madeBy >>> 8) == UNIX_HOST && unixType != 0 && unixType != REGULAR_FILE) {
            String kind = unixType == SYMBOLIC_LINK ? "a symbolic link" : "not a regular file";
            throw new BundleException(Refusal.LINK_ENTRY, "archive entry '" + name + "' is " + kind);
        }
        if ((flags & 1) != 0) {
            throw malformed("encrypts '" + name + "'");
        }
        if (method != 0 && method != 8) {
            throw malformed("compresses '" + name + "' with method " + method + ", not stored or deflate");
        }
        limits.checkFile(name, size);
        if (size > BundleLimits.RATIO_FLOOR_BYTES && size > compressed * limits.maxCompressionRatio()) {
            throw new BundleException(
                    Refusal.ZIP_BOMB,
                    "'" + name + "' inflates " + compressed + " bytes to " + size + ", over the ratio of "
                            + limits.maxCompressionRatio());
        }
        return new Located(new Entry(name, compressed, size), localOffset);
    }

    private static void checkNoOverlap(FileChannel channel, List<Located> entries, long directoryOffset)
            throws IOException, BundleException {
        List<Located> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Located::localOffset));
        long previousEnd = 0;
        for (Located entry : byOffset) {
            if (entry.localOffset < previousEnd) {
                throw new BundleException(
                        Refusal.ZIP_BOMB, "archive entry '" + entry.entry.name() + "' overlaps another entry's data");
            }
            if (entry.localOffset + LOCAL_SIZE > directoryOffset) {
                throw malformed("has an entry past its data (truncated?)");
            }
            ByteBuffer local = readFully(channel, entry.localOffset, LOCAL_SIZE);
            if (local.getInt(0) != LOCAL_SIGNATURE) {
                throw malformed("has a damaged header for '" + entry.entry.name() + "'");
            }
            int nameLength = Short.toUnsignedInt(local.getShort(26));
            int extraLength = Short.toUnsignedInt(local.getShort(28));
            previousEnd = entry.localOffset + LOCAL_SIZE + nameLength + extraLength + entry.entry.compressedSize();
            if (previousEnd > directoryOffset) {
                throw malformed("ends inside '" + entry.entry.name() + "' (truncated?)");
            }
        }
    }

    private static ByteBuffer findEnd(FileChannel channel, long fileSize) throws IOException, BundleException {
        if (fileSize < END_SIZE) {
            throw malformed("is too short to be a zip archive");
        }
        int tail = (int) Math.min(fileSize, END_SIZE + 0xffff);
        ByteBuffer buffer = readFully(channel, fileSize - tail, tail);
        for (int at = tail - END_SIZE; at >= 0; at--) {
            if (buffer.getInt(at) == END_SIGNATURE
                    && at + END_SIZE + Short.toUnsignedInt(buffer.getShort(at + 20)) == tail) {
                return buffer.slice(at, END_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        throw malformed("has no zip end record (not a zip file, or truncated)");
    }

    private static ByteBuffer readFully(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private static String name(ByteBuffer bytes) throws BundleException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("has an entry name that is not UTF-8");
        }
    }

    private static BundleException malformed(String detail) {
        return new BundleException(Refusal.MALFORMED_ARCHIVE, "archive " + detail);
    }
}
