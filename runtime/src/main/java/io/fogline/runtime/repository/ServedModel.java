package io.fogline.runtime.repository;

import io.fogline.core.error.InferenceException;
import io.fogline.runtime.config.ModelConfig;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model as it is served: its loaded versions, batching limits and labels. Requests hold a reference while they
 * run; a replaced or unloaded model closes its native sessions only when the last of them has finished, which is
 * what lets a reload swap models without failing a request.
 */
final class ServedModel {

    private final String name;
    private final NavigableMap<Long, ModelVersion> versions;
    private final int maxBatchSize;
    private final List<String> labels;
    private final ModelConfig config;
    /** One reference for the repository while the model is current, one for each request running on it. */
    private final AtomicInteger references = new AtomicInteger(1);

    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    ServedModel(
            String name,
            NavigableMap<Long, ModelVersion> versions,
            int maxBatchSize,
            List<String> labels,
            ModelConfig config) {
        this.name = name;
        this.config = config;
        this.versions = versions;
        this.maxBatchSize = maxBatchSize;
        this.labels = List.copyOf(labels);
    }

    String name() {
        return name;
    }

    int maxBatchSize() {
        return maxBatchSize;
    }

    List<String> labels() {
        return labels;
    }

    /** The config the model was loaded with: its config.json, or the override of the load that loaded it. */
    ModelConfig config() {
        return config;
    }

    NavigableMap<Long, ModelVersion> versions() {
        return versions;
    }

    /** The version a request names, or the newest one when it names none. */
    ModelVersion resolve(String version) {
        if (version == null || version.isEmpty()) {
            return versions.lastEntry().getValue();
        }
        ModelVersion found = null;
        try {
            found = versions.get(Long.parseLong(version));
        } catch (NumberFormatException e) {
            // Not a number: no such version, answered below like any other unknown version.
        }
        if (found == null) {
            throw InferenceException.notFound(
                    "model '" + name + "' has no version '" + version + "'; ready versions are " + versions.keySet());
        }
        return found;
    }

    /** Takes a reference for a request; false when the model has been retired and is closing. */
    boolean acquire() {
        while (true) {
            int current = references.get();
            if (current == 0) {
                return false;
            }
            if (references.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            // The last request may finish on a batcher's own worker, which cannot wait for itself to stop.
            Thread.ofVirtual().name("fogline-close-" + name).start(() -> {
                try {
                    versions.values().forEach(ModelVersion::close);
                    closed.complete(null);
                } catch (RuntimeException e) {
                    closed.completeExceptionally(e);
                }
            });
        }
    }

    /**
     * Gives up the repository's reference.
     *
     * @return completes once the running requests have finished and the native sessions are closed
     */
    CompletableFuture<Void> retire() {
        release();
        return closed;
    }
}
