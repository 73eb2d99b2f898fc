package io.fogline.routing.redact;

import java.util.List;

/**
 * Finds one kind of personal data in text. Implement it to add a kind, such as another country's national ID, and
 * pass it to {@link Redactor}.
 */
public interface Detector {

    /** The kind of entity found, upper case with underscores: it names the placeholders ({@code <KIND_1>}). */
    String kind();

    /** Every entity of this kind in {@code text}, in any order; overlaps are resolved by the {@link Redactor}. */
    List<Entity> find(String text);
}
