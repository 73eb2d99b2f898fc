package io.fogline.runtime.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Native buffers that one worker thread reuses for the inputs of every run. ONNX Runtime reads a direct buffer in
 * place, so a reused buffer saves an allocation and a zeroing per input per run on the hot path.
 */
public final class InputArena {

    private final Map<String, ByteBuffer> buffers = new HashMap<>();

    /** A direct buffer holding a copy of {@code data}; valid until the next call for the same name. */
    ByteBuffer copyOf(String name, ByteBuffer data) {
        return reserve(name, data.remaining()).put(data).flip();
    }

    /** An empty direct buffer of at least {@code bytes} capacity, limited to {@code bytes}. */
    public ByteBuffer reserve(String name, int bytes) {
        ByteBuffer buffer = buffers.get(name);
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Math.max(bytes, buffer == null ? 0 : buffer.capacity() * 2))
                    .order(ByteOrder.nativeOrder());
            buffers.put(name, buffer);
        }
        return buffer.clear().limit(bytes);
    }
}
