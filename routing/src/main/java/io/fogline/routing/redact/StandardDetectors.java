package io.fogline.routing.redact;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Detectors for the kinds of personal data that do not depend on a country. */
public final class StandardDetectors {

    /** Top-level domains that are far more often file extensions, as in {@code icon@2x.png}. */
    private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "pdf");

    private StandardDetectors() {}

    /** E-mail, IBAN, card, IPv6, IPv4, phone: the order in which they claim overlapping text. */
    public static List<Detector> all() {
        return List.of(email(), iban(), paymentCard(), ipv6(), ipv4(), phone());
    }

    public static Detector email() {
        return new PatternDetector(
                "EMAIL",
                "(?<![\\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
                        + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,24})(?![\\w-])",
                match -> !FILE_EXTENSIONS.contains(
                        match.substring(match.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)));
    }

    /** IBANs with a registered country length and a valid mod-97 check. */
    public static Detector iban() {
        return new IbanDetector();
    }

    /** 13 to 19 digits, compact or grouped by spaces or dashes, from a card network's range and Luhn-valid. */
    public static Detector paymentCard() {
        return new PatternDetector(
                "CARD",
                "(?<![\\d-])(?:\\d{4}[ -]?\\d{6}[ -]?\\d{5}|\\d{4}(?:[ -]?\\d{4}){2}[ -]?\\d{1,7}|\\d{13,19})(?![\\d-])",
                match -> {
                    String digits = PatternDetector.digitsOf(match);
                    char network = digits.charAt(0);
                    return digits.length() >= 13
                            && digits.length() <= 19
                            && network >= '2'
                            && network <= '6'
                            && Checksums.luhn(digits);
                });
    }

    public static Detector ipv4() {
        String octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
        return new PatternDetector(
                "IPV4", "(?<![\\w.])" + octet + "(?:\\." + octet + "){3}(?![\\w]|\\.\\d)", match -> true);
    }

    /** Full, compressed ({@code ::}) and IPv4-suffixed forms; times and MAC addresses fail the parse. */
    public static Detector ipv6() {
        return new PatternDetector(
                "IPV6",
                "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?(?![\\w:]|\\.\\d)",
                StandardDetectors::isIpv6);
    }

    private static boolean isIpv6(String candidate) {
        int doubleColon = candidate.indexOf("::");
        if (doubleColon >= 0 && candidate.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups = candidate.split(":", -1);
        int hexGroups = 0;
        boolean anyDigit = false;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.contains(".")) {
                if (i != groups.length - 1) {
                    return false;
                }
                hexGroups += 2;
                anyDigit = true;
            } else if (!group.isEmpty()) {
                hexGroups++;
                anyDigit = true;
            }
        }
        if (!anyDigit || (doubleColon < 0 ? hexGroups != 8 : hexGroups > 7)) {
            return false;
        }
        try {
            // A literal with a colon is parsed, never looked up.
            return InetAddress.getByName("[" + candidate + "]").getAddress().length == 16;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * International numbers ({@code +} and a country code) and the common national shapes: North American
     * ({@code (555) 123-4567}, {@code 555-123-4567}), trunk-prefixed European ({@code 020 7946 0958},
     * {@code 0171 2345678}, {@code 089/1234567}, {@code 01 23 45 67 89}); 8 to 15 digits.
     */
    public static Detector phone() {
        String international =
                "\\+\\d{1,3}(?:[ .-]?(?:\\(0\\)|\\(\\d{1,4}\\)|\\d{1,5}))(?:[ .-]?(?:\\d{2,5}|\\(\\d{1,4}\\))){1,5}";
        String northAmerican = "(?:1[ .-])?(?:\\(\\d{3}\\) ?|\\d{3}([-. ]))\\d{3}[-. ]\\d{4}";
        String trunkPrefixed = "0\\d{2,4}[ /-]\\d{3,4}[ -]?\\d{3,4}|0[1-9](?:[ .]\\d{2}){4}|0[1-9]\\d{8,9}";
        return new PatternDetector(
                "PHONE",
                "(?<![\\w+.-])(?:" + international + "|" + northAmerican + "|" + trunkPrefixed + ")(?![\\w]|[.-]\\d)",
                match -> {
                    int digits = PatternDetector.digitsOf(match).length();
                    return digits >= 8 && digits <= 15;
                });
    }
}
