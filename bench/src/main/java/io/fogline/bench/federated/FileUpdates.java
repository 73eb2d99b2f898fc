package io.fogline.bench.federated;

import io.fogline.federated.UpdateSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Updates stored one after another in a file of little-endian FP32 deltas, read by range: a stand-in for the control
 * plane's stored updates, so that measuring an aggregator's heap measures the aggregator, not the updates.
 */
final class FileUpdates implements UpdateSet, AutoCloseable {

    private final FileChannel channel;
    private final int dimension;
    private final long[] exampleCounts;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    FileUpdates(Path file, int dimension, long[] exampleCounts) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.dimension = dimension;
        this.exampleCounts = exampleCounts.clone();
        if (channel.size() != 4L * dimension * exampleCounts.length) {
            throw new IOException(file + " holds " + channel.size() + " bytes, not " + exampleCounts.length
                    + " updates of " + dimension + " floats");
        }
    }

    @Override
    public int size() {
        return exampleCounts.length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String client(int update) {
        return "client-" + update;
    }

    @Override
    public long exampleCount(int update) {
        return exampleCounts[update];
    }

    @Override
    public void read(int update, int from, int length, float[] into, int offset) {
        if (buffer.capacity() < 4 * length) {
            buffer = ByteBuffer.allocateDirect(4 * length).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear().limit(4 * length);
        long position = 4L * ((long) update * dimension + from);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("the update file ends early");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        buffer.asFloatBuffer().get(into, offset, length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
