package io.fogline.routing.cache;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Answers already given, by model, version, input bytes, shapes and datatypes, and requested outputs. Least recently
 * used entries go first once the entries' bytes pass {@code maxBytes}; an entry older than {@code ttl} is never
 * answered. Strict LRU by design: a frequency-based policy (Caffeine's W-TinyLFU) may refuse a new answer a place,
 * and which entry leaves should be predictable to an operator sizing the cache.
 */
public final class ExactCache {

    /** What an entry costs besides its key and tensor bytes: map node, response and tensor objects. */
    private static final int ENTRY_OVERHEAD_BYTES = 160;

    /** A request's identity: the bytes that decide its answer. */
    public static final class Key {
        private final byte[] bytes;
        private final int hash;

        private Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        /**
         * @param version the version the request names, or null for the newest; a reload, which may change the
         *     newest, starts a new cache
         */
        public static Key of(String model, String version, InferenceRequest request) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
            try (DataOutputStream out = new DataOutputStream(buffer)) {
                out.writeUTF(model);
                out.writeUTF(version == null ? "" : version);
                // Inputs are named, so their order in the request does not change the answer.
                List<Tensor> inputs = request.inputs().stream()
                        .sorted(Comparator.comparing(Tensor::name))
                        .toList();
                out.writeInt(inputs.size());
                for (Tensor input : inputs) {
                    out.writeUTF(input.name());
                    out.writeUTF(input.datatype().name());
                    out.writeInt(input.rank());
                    for (long dim : input.shape()) {
                        out.writeLong(dim);
                    }
                    ByteBuffer data = input.data();
                    out.writeInt(data.remaining());
                    byte[] chunk = new byte[Math.min(8192, data.remaining())];
                    while (data.hasRemaining()) {
                        int length = Math.min(chunk.length, data.remaining());
                        data.get(chunk, 0, length);
                        out.write(chunk, 0, length);
                    }
                }
                out.writeInt(request.outputs().size());
                for (RequestedOutput output : request.outputs()) {
                    out.writeUTF(output.name());
                    out.writeInt(output.classification());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory failed", e);
            }
            return new Key(buffer.toByteArray());
        }

        int size() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && hash == key.hash && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Entry(InferenceResponse response, long storedAt, long bytes) {}

    private final long maxBytes;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** @param nanoClock the time in nanoseconds, {@code System::nanoTime} outside tests */
    public ExactCache(long maxBytes, Duration ttl, LongSupplier nanoClock) {
        if (maxBytes <= 0 || !ttl.isPositive()) {
            throw new IllegalArgumentException("maxBytes and ttl must be positive");
        }
        this.maxBytes = maxBytes;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The stored answer, or null when there is none or it has expired. */
    public synchronized InferenceResponse get(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.storedAt() >= ttlNanos) {
            remove(key);
            return null;
        }
        return entry.response();
    }

    /** Stores an answer, evicting the least recently used ones to make room; one larger than the cache is not kept. */
    public synchronized void put(Key key, InferenceResponse response) {
        long size = key.size() + ENTRY_OVERHEAD_BYTES;
        for (Tensor output : response.outputs()) {
            size += output.byteSize() + output.name().length() + 8L * output.rank();
        }
        if (size > maxBytes) {
            return;
        }
        remove(key);
        entries.put(key, new Entry(response, nanoClock.getAsLong(), size));
        bytes += size;
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > maxBytes) {
            bytes -= eldest.next().bytes();
            eldest.remove();
        }
    }

    private void remove(Key key) {
        Entry removed = entries.remove(key);
        if (removed != null) {
            bytes -= removed.bytes();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    /** The bytes the entries are counted as, at most {@code maxBytes}. */
    public synchronized long bytes() {
        return bytes;
    }
}
