package io.fogline.bundle.delta;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A file rebuilt from one a device already holds: the tensors of an ONNX model that did not change are copied from
 * the base, everything else travels. The format (docs/protocol.md, "Delta updates"):
 *
 * <pre>
 * "FLDL", format 1 (u8), base SHA-256 (32 bytes), target SHA-256 (32 bytes), target size (u64)
 * then operations: 1 = copy (base offset u64, length u64), 2 = insert (length u32, bytes), 0 = end
 * </pre>
 *
 * All integers are big-endian. Rebuilding checks every operation against the base and the target size and the result
 * against the target's SHA-256, so a delta that is corrupt, cut short or meant for other files is refused, never
 * installed.
 */
public final class FileDelta {

    static final byte[] MAGIC = "FLDL".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    private static final int END = 0;
    private static final int COPY = 1;
    private static final int INSERT = 2;
    private static final int COPY_BUFFER = 64 * 1024;

    private FileDelta() {}

    /**
     * The delta that rebuilds {@code target} from {@code base}, copying each tensor of {@code target} whose bytes the
     * base holds (under any name); empty when {@code target} is not an ONNX model or shares no tensor with the base.
     */
    public static Optional<byte[]> between(byte[] base, byte[] target) {
        Optional<List<OnnxTensors.Range>> targetTensors = OnnxTensors.of(target);
        if (targetTensors.isEmpty()) {
            return Optional.empty();
        }
        Map<Content, Integer> baseTensors = new HashMap<>();
        for (OnnxTensors.Range range : OnnxTensors.of(base).orElse(List.of())) {
            baseTensors.putIfAbsent(new Content(base, range), range.start());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        boolean copied = false;
        try {
            out.write(MAGIC);
            out.writeByte(FORMAT);
            out.write(sha256(base));
            out.write(sha256(target));
            out.writeLong(target.length);
            int written = 0;
            for (OnnxTensors.Range range : targetTensors.get()) {
                Integer from = baseTensors.get(new Content(target, range));
                if (from == null) {
                    continue;
                }
                insert(out, target, written, range.start());
                out.writeByte(COPY);
                out.writeLong(from);
                out.writeLong(range.length());
                written = range.end();
                copied = true;
            }
            insert(out, target, written, target.length);
            out.writeByte(END);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copied ? Optional.of(bytes.toByteArray()) : Optional.empty();
    }

    /**
     * Rebuilds the file {@code delta} describes into {@code out}, reading the base from {@code base}.
     *
     * @param baseSha256 the base file's SHA-256, which the delta must name
     * @param targetSha256 the SHA-256 the rebuilt file must have, which the delta must name
     * @throws DeltaException when the delta is malformed, names other files, reads outside the base, or rebuilds other
     *     bytes than {@code targetSha256}; {@code out} then holds a part of a file that must be thrown away
     */
    public static void apply(Path base, String baseSha256, InputStream delta, String targetSha256, OutputStream out)
            throws IOException, DeltaException {
        DataInputStream in = new DataInputStream(delta);
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != FORMAT) {
                throw new DeltaException("not a delta of format " + FORMAT);
            }
            String namedBase = hex(in.readNBytes(32));
            String namedTarget = hex(in.readNBytes(32));
            if (!namedBase.equals(baseSha256) || !namedTarget.equals(targetSha256)) {
                throw new DeltaException("the delta rebuilds " + namedTarget + " from " + namedBase + ", not "
                        + targetSha256 + " from " + baseSha256);
            }
            long targetSize = in.readLong();
            MessageDigest digest = digest();
            long written = 0;
            try (FileChannel baseChannel = FileChannel.open(base, StandardOpenOption.READ)) {
                long baseSize = baseChannel.size();
                byte[] buffer = new byte[COPY_BUFFER];
                for (int operation = in.readUnsignedByte(); operation != END; operation = in.readUnsignedByte()) {
                    long length;
                    if (operation == COPY) {
                        long offset = in.readLong();
                        length = in.readLong();
                        if (offset < 0 || length < 0 || offset > baseSize - length) {
                            throw new DeltaException("copy of " + length + " bytes at " + offset
                                    + " reaches outside the base's " + baseSize + " bytes");
                        }
                        checkRoom(written, length, targetSize);
                        copy(baseChannel, offset, length, buffer, digest, out);
                    } else if (operation == INSERT) {
                        length = Integer.toUnsignedLong(in.readInt());
                        checkRoom(written, length, targetSize);
                        insert(in, length, buffer, digest, out);
                    } else {
                        throw new DeltaException("unknown operation " + operation);
                    }
                    written += length;
                }
            }
            if (written != targetSize) {
                throw new DeltaException("the delta rebuilds " + written + " bytes, not " + targetSize);
            }
            if (in.read() != -1) {
                throw new DeltaException("bytes after the delta's end");
            }
            String rebuilt = hex(digest.digest());
            if (!rebuilt.equals(targetSha256)) {
                throw new DeltaException("the rebuilt file has SHA-256 " + rebuilt + ", not " + targetSha256);
            }
        } catch (EOFException e) {
            throw new DeltaException("the delta ends early");
        }
    }

    private static void checkRoom(long written, long length, long targetSize) throws DeltaException {
        if (length > targetSize - written) {
            throw new DeltaException("the delta rebuilds more than the target's " + targetSize + " bytes");
        }
    }

    private static void copy(
            FileChannel base, long offset, long length, byte[] buffer, MessageDigest digest, OutputStream out)
            throws IOException, DeltaException {
        for (long done = 0; done < length; ) {
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, length - done));
            int n = base.read(chunk, offset + done);
            if (n <= 0) {
                throw new DeltaException("the base ended while it was read");
            }
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            done += n;
        }
    }

    private static void insert(DataInputStream in, long length, byte[] buffer, MessageDigest digest, OutputStream out)
            throws IOException {
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buffer.length, length - done);
            in.readFully(buffer, 0, n);
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            done += n;
        }
    }

    private static void insert(DataOutputStream out, byte[] target, int from, int to) throws IOException {
        if (to > from) {
            out.writeByte(INSERT);
            out.writeInt(to - from);
            out.write(target, from, to - from);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** A tensor's bytes as a map key: equal when the bytes are. */
    private record Content(byte[] file, int start, int end, int hash) {

        Content(byte[] file, OnnxTensors.Range range) {
            this(file, range.start(), range.end(), hash(file, range));
        }

        private static int hash(byte[] file, OnnxTensors.Range range) {
            int hash = 1;
            for (int i = range.start(); i < range.end(); i++) {
                hash = 31 * hash + file[i];
            }
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Content that
                    && hash == that.hash
                    && Arrays.equals(file, start, end, that.file, that.start, that.end);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
