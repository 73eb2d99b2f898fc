package io.fogline.routing.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detector whose candidates are the matches of a pattern, kept when a check on the match passes (a checksum, digit
 * count or range rule): the pattern finds the shape, the check rejects the many look-alikes.
 */
public record PatternDetector(String kind, Pattern pattern, Predicate<String> check) implements Detector {

    public PatternDetector(String kind, String regex, Predicate<String> check) {
        this(kind, Pattern.compile(regex), check);
    }

    @Override
    public List<Entity> find(String text) {
        List<Entity> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            if (check.test(matcher.group())) {
                found.add(new Entity(kind, matcher.start(), matcher.end(), matcher.group()));
            }
        }
        return found;
    }

    static String digitsOf(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }
}
