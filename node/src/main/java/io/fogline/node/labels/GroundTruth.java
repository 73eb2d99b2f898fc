package io.fogline.node.labels;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The node's side of the field loop: answers kept by the {@link AnswerLog}, ground truth taken for them into the
 * {@link LabelStore}, and whoever counts live accuracy told of each label taken.
 */
public final class GroundTruth implements AutoCloseable {

    private final LabelStore store;
    private final AnswerLog answers;
    private final InstantSource clock;
    private final List<Consumer<LabelStore.Labelled>> listeners = new CopyOnWriteArrayList<>();

    private GroundTruth(LabelStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
        this.answers = new AnswerLog(store, clock);
    }

    public static GroundTruth open(LabelStore.Options options, InstantSource clock) {
        return new GroundTruth(LabelStore.open(options), clock);
    }

    /** What hears every request, to keep the answers ground truth may come for. */
    public AnswerLog answers() {
        return answers;
    }

    /** The labelled examples, for training and for the counts. */
    public LabelStore store() {
        return store;
    }

    /** Tells {@code listener} of every label taken, after it is stored. */
    public void onLabelled(Consumer<LabelStore.Labelled> listener) {
        listeners.add(listener);
    }

    /**
     * Takes a client's ground truth for the rows of an earlier answer; blocks on the disk, so never on an event loop.
     *
     * @throws FeedbackRefused with the status and reason when the store does not take it
     */
    public LabelStore.Labelled label(String model, String requestId, int[] labels) {
        answers.flush();
        LabelStore.Labelled labelled = store.label(model, requestId, labels, clock.millis());
        listeners.forEach(listener -> listener.accept(labelled));
        return labelled;
    }

    @Override
    public void close() {
        answers.close();
        store.close();
    }
}
