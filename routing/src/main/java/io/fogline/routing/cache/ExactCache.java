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
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Answers already given, by model, version, input bytes, shapes and datatypes, and requested outputs. Least recently
 * used entries go first once the entries' bytes pass {@code maxBytes}; an entry older than {@code ttl} is never
 * answered. LRU by design: a frequency-based policy (Caffeine's W-TinyLFU) may refuse a new answer a place, and which
 * entry leaves should be predictable to an operator sizing the cache.
 *
 * <p>A hit takes no lock: entries live in a concurrent map, and a read is noted in a small buffer of the reading
 * thread's stripe. Whoever stores an answer, or fills a read buffer, brings the recency order up to date and evicts,
 * if the lock is free; otherwise the thread holding it does. Used from one thread, the order is exact LRU. Under
 * contention a read that finds its buffer full and the lock taken is not noted (its entry keeps its place), and the
 * bytes may pass {@code maxBytes} by the answers stored while another thread was evicting, until it finishes.
 */
public final class ExactCache {

    /** What an entry costs besides its key and tensor bytes: map node, response and tensor objects. */
    private static final int ENTRY_OVERHEAD_BYTES = 160;

    private static final int READ_STRIPES = 8;
    private static final int READ_BUFFER_SIZE = 64;

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

    /** An entry, and its place in the recency order, which only the holder of the lock reads or changes. */
    private static final class Node {
        final Key key;
        final InferenceResponse response;
        final long storedAt;
        final long bytes;
        /** Toward the oldest entry, and toward the newest. */
        Node older;

        Node newer;
        boolean linked;

        Node(Key key, InferenceResponse response, long storedAt, long bytes) {
            this.key = key;
            this.response = response;
            this.storedAt = storedAt;
            this.bytes = bytes;
        }
    }

    /**
     * Reads of one stripe of threads, waiting to move their entries to the newest end. Writers claim a slot by
     * counting; the holder of the lock empties it. A slot claimed but not yet filled when it is emptied is skipped.
     */
    private static final class ReadBuffer {
        final AtomicReferenceArray<Node> slots = new AtomicReferenceArray<>(READ_BUFFER_SIZE);
        final AtomicLong written = new AtomicLong();
        volatile long drained;

        /** False when the buffer is full. */
        boolean offer(Node node) {
            long claim = written.get();
            if (claim - drained >= READ_BUFFER_SIZE || !written.compareAndSet(claim, claim + 1)) {
                return false;
            }
            slots.lazySet((int) (claim % READ_BUFFER_SIZE), node);
            return true;
        }
    }

    private final long maxBytes;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Node> entries = new ConcurrentHashMap<>();
    /** Nodes stored or taken out of the map since the order was last brought up to date. */
    private final Queue<Node> changes = new ConcurrentLinkedQueue<>();

    private final ReadBuffer[] reads = new ReadBuffer[READ_STRIPES];
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * The recency order, a ring through this node: its {@code newer} is the oldest entry, its {@code older} the newest;
     * guarded by {@code lock}.
     */
    private final Node order = new Node(null, null, 0, 0);
    /** Guarded by {@code lock}. */
    private long bytes;

    /** @param nanoClock the time in nanoseconds, {@code System::nanoTime} outside tests */
    public ExactCache(long maxBytes, Duration ttl, LongSupplier nanoClock) {
        if (maxBytes <= 0 || !ttl.isPositive()) {
            throw new IllegalArgumentException("maxBytes and ttl must be positive");
        }
        this.maxBytes = maxBytes;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        for (int i = 0; i < reads.length; i++) {
            reads[i] = new ReadBuffer();
        }
        order.newer = order;
        order.older = order;
    }

    /** The stored answer, or null when there is none or it has expired. */
    public InferenceResponse get(Key key) {
        Node node = entries.get(key);
        if (node == null) {
            return null;
        }
        if (nanoClock.getAsLong() - node.storedAt >= ttlNanos) {
            if (entries.remove(key, node)) {
                changes.add(node);
                maintain();
            }
            return null;
        }
        ReadBuffer buffer = reads[(int) (Thread.currentThread().threadId() & (READ_STRIPES - 1))];
        if (!buffer.offer(node)) {
            maintain();
            buffer.offer(node);
        }
        return node.response;
    }

    /** Stores an answer, evicting the least recently used ones to make room; one larger than the cache is not kept. */
    public void put(Key key, InferenceResponse response) {
        long size = key.size() + ENTRY_OVERHEAD_BYTES;
        for (Tensor output : response.outputs()) {
            size += output.byteSize() + output.name().length() + 8L * output.rank();
        }
        if (size > maxBytes) {
            return;
        }
        Node node = new Node(key, response, nanoClock.getAsLong(), size);
        Node previous = entries.put(key, node);
        if (previous != null) {
            changes.add(previous);
        }
        changes.add(node);
        maintain();
    }

    public int size() {
        maintain();
        return entries.size();
    }

    /** The bytes the entries are counted as, at most {@code maxBytes} once no other thread is storing. */
    public long bytes() {
        lock.lock();
        try {
            catchUp();
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Brings the recency order up to date and evicts past the cap, unless another thread holds the lock: it then
     * does so for this one too, since it looks for changes again after letting go.
     */
    private void maintain() {
        do {
            if (!lock.tryLock()) {
                return;
            }
            try {
                catchUp();
            } finally {
                lock.unlock();
            }
        } while (!changes.isEmpty());
    }

    /** Reads first, then stores and removals, then eviction; under the lock. */
    private void catchUp() {
        for (ReadBuffer buffer : reads) {
            long end = buffer.written.get();
            long next = buffer.drained;
            for (; next < end; next++) {
                Node read = buffer.slots.getAndSet((int) (next % READ_BUFFER_SIZE), null);
                if (read != null && read.linked) {
                    unlink(read);
                    linkNewest(read);
                }
            }
            buffer.drained = next;
        }
        for (Node changed = changes.poll(); changed != null; changed = changes.poll()) {
            boolean live = entries.get(changed.key) == changed;
            if (live && !changed.linked) {
                linkNewest(changed);
                bytes += changed.bytes;
            } else if (!live && changed.linked) {
                unlink(changed);
                bytes -= changed.bytes;
            }
        }
        while (bytes > maxBytes) {
            Node eldest = order.newer;
            unlink(eldest);
            bytes -= eldest.bytes;
            entries.remove(eldest.key, eldest);
        }
    }

    private void linkNewest(Node node) {
        Node newest = order.older;
        node.older = newest;
        node.newer = order;
        newest.newer = node;
        order.older = node;
        node.linked = true;
    }

    private void unlink(Node node) {
        node.older.newer = node.newer;
        node.newer.older = node.older;
        node.older = null;
        node.newer = null;
        node.linked = false;
    }
}
