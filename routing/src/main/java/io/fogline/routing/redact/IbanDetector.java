package io.fogline.routing.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IBANs, compact or in groups of four, upper case: the country's length (ISO 13616 registry) fixes where one ends, so
 * an upper-case word after it is never taken in, and the mod-97 check rejects look-alikes.
 */
final class IbanDetector implements Detector {

    private static final Pattern START = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}");

    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24),
            Map.entry("AE", 23),
            Map.entry("AT", 20),
            Map.entry("BE", 16),
            Map.entry("BG", 22),
            Map.entry("BH", 22),
            Map.entry("BR", 29),
            Map.entry("CH", 21),
            Map.entry("CY", 28),
            Map.entry("CZ", 24),
            Map.entry("DE", 22),
            Map.entry("DK", 18),
            Map.entry("EE", 20),
            Map.entry("ES", 24),
            Map.entry("FI", 18),
            Map.entry("FO", 18),
            Map.entry("FR", 27),
            Map.entry("GB", 22),
            Map.entry("GI", 23),
            Map.entry("GL", 18),
            Map.entry("GR", 27),
            Map.entry("HR", 21),
            Map.entry("HU", 28),
            Map.entry("IE", 22),
            Map.entry("IL", 23),
            Map.entry("IS", 26),
            Map.entry("IT", 27),
            Map.entry("KW", 30),
            Map.entry("KZ", 20),
            Map.entry("LB", 28),
            Map.entry("LI", 21),
            Map.entry("LT", 20),
            Map.entry("LU", 20),
            Map.entry("LV", 21),
            Map.entry("MC", 27),
            Map.entry("MT", 31),
            Map.entry("NL", 18),
            Map.entry("NO", 15),
            Map.entry("PK", 24),
            Map.entry("PL", 28),
            Map.entry("PT", 25),
            Map.entry("QA", 29),
            Map.entry("RO", 24),
            Map.entry("RS", 22),
            Map.entry("SA", 24),
            Map.entry("SE", 24),
            Map.entry("SI", 19),
            Map.entry("SK", 24),
            Map.entry("SM", 27),
            Map.entry("TN", 24),
            Map.entry("TR", 26),
            Map.entry("UA", 29));

    @Override
    public String kind() {
        return "IBAN";
    }

    @Override
    public List<Entity> find(String text) {
        List<Entity> found = new ArrayList<>();
        Matcher start = START.matcher(text);
        int from = 0;
        while (from < text.length() && start.find(from)) {
            from = start.end();
            Integer length = LENGTHS.get(start.group().substring(0, 2));
            if (length == null) {
                continue;
            }
            int end = scan(text, start.start(), length);
            if (end < 0) {
                continue;
            }
            String compact = text.substring(start.start(), end).replace(" ", "");
            if (Checksums.ibanMod97(compact)) {
                found.add(new Entity(kind(), start.start(), end, text.substring(start.start(), end)));
                from = end;
            }
        }
        return found;
    }

    /** The end of an IBAN of {@code length} characters starting at {@code start}, or -1 when the text differs. */
    private static int scan(String text, int start, int length) {
        int position = start;
        int taken = 0;
        while (taken < length) {
            if (position >= text.length()) {
                return -1;
            }
            char c = text.charAt(position);
            if (c == ' ' && taken > 0 && taken % 4 == 0 && position + 1 < text.length()) {
                position++;
                continue;
            }
            if (!Character.isDigit(c) && !(c >= 'A' && c <= 'Z')) {
                return -1;
            }
            position++;
            taken++;
        }
        boolean endsHere = position == text.length() || !Character.isLetterOrDigit(text.charAt(position));
        return endsHere ? position : -1;
    }
}
