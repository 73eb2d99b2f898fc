package io.fogline.routing.redact;

/**
 * One piece of personal data found in a text.
 *
 * @param kind what it is, upper case ({@code EMAIL}, {@code CARD}, {@code US_SSN}); names its placeholders
 * @param start index of its first character
 * @param end index after its last character
 */
public record Entity(String kind, int start, int end, String value) {

    boolean overlaps(Entity other) {
        return start < other.end && other.start < end;
    }
}
