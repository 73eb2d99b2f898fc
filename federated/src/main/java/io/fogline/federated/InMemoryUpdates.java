package io.fogline.federated;

import io.fogline.core.federated.ModelUpdate;
import java.util.ArrayList;
import java.util.List;

/** Updates held as arrays: a simulation's round, or a test's. */
public final class InMemoryUpdates implements UpdateSet {

    private final int dimension;
    private final List<String> clients = new ArrayList<>();
    private final List<ModelUpdate> updates = new ArrayList<>();

    public InMemoryUpdates(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("updates need at least one coordinate, not " + dimension);
        }
        this.dimension = dimension;
    }

    public InMemoryUpdates add(String client, ModelUpdate update) {
        if (update.delta().length != dimension) {
            throw new IllegalArgumentException(
                    "an update of " + update.delta().length + " coordinates in a set of " + dimension);
        }
        clients.add(client);
        updates.add(update);
        return this;
    }

    public ModelUpdate update(int index) {
        return updates.get(index);
    }

    @Override
    public int size() {
        return updates.size();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String client(int update) {
        return clients.get(update);
    }

    @Override
    public long exampleCount(int update) {
        return updates.get(update).exampleCount();
    }

    @Override
    public void read(int update, int from, int length, float[] into, int offset) {
        System.arraycopy(updates.get(update).delta(), from, into, offset, length);
    }
}
