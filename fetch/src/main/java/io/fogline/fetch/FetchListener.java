package io.fogline.fetch;

/**
 * Hears how a {@link ModelFetcher} gets on, model by model; {@code position} counts from 1 to {@code total} within one
 * call. Calls come on the fetching thread.
 */
public interface FetchListener {

    FetchListener SILENT = new FetchListener() {};

    /** A model is missing or damaged and is about to be fetched from {@code source}, e.g. "g:a:v via Maven". */
    default void fetching(int position, int total, String model, String source) {}

    /** A model is in place and matches its pinned digests, fetched just now or found already present. */
    default void finished(int position, int total, FetchResult result) {}
}
