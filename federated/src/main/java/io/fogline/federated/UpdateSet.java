package io.fogline.federated;

/**
 * A round's accepted updates, read in ranges of coordinates so that an aggregator holds a slice of each update, never
 * all of them: a control plane backs this with its stored updates, a simulation with arrays in memory.
 */
public interface UpdateSet {

    /** The number of updates. */
    int size();

    /** The number of coordinates of every update. */
    int dimension();

    /** Who sent update {@code update}, for refusals and reports. */
    String client(int update);

    /** The examples update {@code update} was trained on: FedAvg's weight. */
    long exampleCount(int update);

    /** Copies coordinates {@code [from, from + length)} of update {@code update} into {@code into[offset ...]}. */
    void read(int update, int from, int length, float[] into, int offset);

    /** The updates at {@code indices}, in that order. */
    default UpdateSet subset(int[] indices) {
        return new UpdateViews.Subset(this, indices.clone());
    }

    /** Each update multiplied by its factor: how norm bounding and clipping scale updates without copying them. */
    default UpdateSet scaled(double[] factors) {
        return new UpdateViews.Scaled(this, factors.clone());
    }
}
