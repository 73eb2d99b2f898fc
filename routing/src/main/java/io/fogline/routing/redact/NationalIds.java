package io.fogline.routing.redact;

import java.util.List;

/**
 * National identifiers, each with its country's validity rules. Other countries plug in as further {@link Detector}s.
 */
public final class NationalIds {

    private NationalIds() {}

    /** US SSN, UK NINO and the German tax ID. */
    public static List<Detector> all() {
        return List.of(usSsn(), ukNino(), germanTaxId());
    }

    /**
     * US Social Security number {@code AAA-GG-SSSS} (dashes or spaces): the SSA never issues area 000, 666 or 900-999,
     * group 00 or serial 0000.
     */
    public static Detector usSsn() {
        return new PatternDetector(
                "US_SSN",
                "(?<![\\w-])(?!000|666|9\\d\\d)\\d{3}([- ])(?!00)\\d{2}\\1(?!0000)\\d{4}(?![\\w-])",
                match -> true);
    }

    /**
     * UK National Insurance number {@code AB 12 34 56 C}: prefix letters D, F, I, Q, U, V never, O never second, and
     * the prefixes BG, GB, KN, NK, NT, TN, ZZ are not allocated; the suffix is A to D.
     */
    public static Detector ukNino() {
        return new PatternDetector(
                "UK_NINO",
                "(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                        + " ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D](?![A-Za-z0-9])",
                match -> true);
    }

    /**
     * German tax ID (steuerliche Identifikationsnummer), 11 digits, compact or {@code 12 345 678 901}: no leading 0,
     * exactly one digit repeated (twice or three times, never three in a row) among the first ten, and an ISO 7064
     * MOD 11,10 check digit.
     */
    public static Detector germanTaxId() {
        return new PatternDetector("DE_TAX_ID", "(?<![\\w-])[1-9]\\d(?: ?\\d{3}){3}(?![\\w-])", match -> {
            String digits = PatternDetector.digitsOf(match);
            return digits.length() == 11 && repeatsOneDigit(digits) && Checksums.iso7064Mod11x10(digits);
        });
    }

    private static boolean repeatsOneDigit(String digits) {
        int[] counts = new int[10];
        for (int i = 0; i < 10; i++) {
            counts[digits.charAt(i) - '0']++;
        }
        int repeated = -1;
        for (int digit = 0; digit < 10; digit++) {
            if (counts[digit] > 1) {
                if (repeated >= 0 || counts[digit] > 3) {
                    return false;
                }
                repeated = digit;
            }
        }
        if (repeated < 0) {
            return false;
        }
        char d = (char) ('0' + repeated);
        return !digits.substring(0, 10).contains(String.valueOf(new char[] {d, d, d}));
    }
}
