package io.fogline.routing.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds personal data with a list of detectors and opens {@link RedactionSession}s that replace it by placeholders.
 * Where detectors claim overlapping text, the one earlier in the list wins: an e-mail address's digits are not a
 * phone number, a card number is not a tax ID. Thread-safe.
 */
public final class Redactor {

    private final List<Detector> detectors;

    public Redactor(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** The standard detectors with the national IDs after the e-mail, IBAN and card detectors and before the rest. */
    public static Redactor withNationalIds(List<Detector> nationalIds) {
        List<Detector> standard = StandardDetectors.all();
        List<Detector> ordered = new ArrayList<>(standard.subList(0, 3));
        ordered.addAll(nationalIds);
        ordered.addAll(standard.subList(3, standard.size()));
        return new Redactor(ordered);
    }

    /** Every standard detector and every national ID of {@link NationalIds#all()}. */
    public static Redactor standard() {
        return withNationalIds(NationalIds.all());
    }

    public List<Detector> detectors() {
        return detectors;
    }

    /** The entities in {@code text}, without overlaps, in text order. */
    public List<Entity> find(String text) {
        List<Entity> accepted = new ArrayList<>();
        for (Detector detector : detectors) {
            for (Entity candidate : detector.find(text)) {
                if (accepted.stream().noneMatch(candidate::overlaps)) {
                    accepted.add(candidate);
                }
            }
        }
        accepted.sort(Comparator.comparingInt(Entity::start));
        return accepted;
    }

    /** A session whose placeholders stay consistent over every text it redacts (the messages of one chat). */
    public RedactionSession newSession() {
        return new RedactionSession(this);
    }
}
