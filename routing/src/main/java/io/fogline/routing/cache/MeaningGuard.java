package io.fogline.routing.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lexical checks that veto a semantic-cache hit where sentence embeddings are known to be blind: mean-pooled
 * embeddings barely move when a question is negated, when a figure changes, or when the same words swap roles ("A
 * beats B" / "B beats A"). A hit stands only when both questions carry the same negations, the same numbers and, if
 * they use exactly the same words, the same word order.
 */
public final class MeaningGuard {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}']+");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Set<String> NEGATIONS =
            Set.of("not", "no", "never", "without", "none", "nothing", "nobody", "neither", "nor", "cannot");
    private static final List<String> NEGATING_PREFIXES = List.of("un", "in", "il", "im", "ir", "dis", "non");

    private MeaningGuard() {}

    /** Whether an answer cached for {@code cached} may answer {@code asked} as far as these checks can tell. */
    public static boolean compatible(String asked, String cached) {
        List<String> a = tokens(asked);
        List<String> b = tokens(cached);
        return negations(a, b).equals(negations(b, a))
                && numbers(asked).equals(numbers(cached))
                && (a.equals(b) || !sorted(a).equals(sorted(b)));
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text.toLowerCase(Locale.ROOT).replace('’', '\''));
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /**
     * The negation markers of {@code tokens} in order: negating words, {@code n't} contractions, and words that are
     * another word of {@code other} with a negating prefix ("unsafe" against "safe").
     */
    private static List<String> negations(List<String> tokens, List<String> other) {
        List<String> found = new ArrayList<>();
        for (String token : tokens) {
            if (NEGATIONS.contains(token) || token.endsWith("n't")) {
                found.add("not");
            } else {
                for (String prefix : NEGATING_PREFIXES) {
                    if (token.startsWith(prefix) && other.contains(token.substring(prefix.length()))) {
                        found.add("not");
                    }
                }
            }
        }
        return found;
    }

    private static List<String> numbers(String text) {
        List<String> numbers = new ArrayList<>();
        Matcher matcher = NUMBER.matcher(text);
        while (matcher.find()) {
            numbers.add(matcher.group());
        }
        return numbers;
    }

    private static List<String> sorted(List<String> tokens) {
        return tokens.stream().sorted().toList();
    }
}
