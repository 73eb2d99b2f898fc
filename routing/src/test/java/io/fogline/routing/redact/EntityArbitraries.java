package io.fogline.routing.redact;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid entities of each kind, built with their check digits, for the property tests. */
final class EntityArbitraries {

    private EntityArbitraries() {}

    static Arbitrary<String> any() {
        return Arbitraries.oneOf(
                emails(), cards(), ibans(), ipv4s(), ipv6s(), phones(), ssns(), ninos(), germanTaxIds());
    }

    static Arbitrary<String> emails() {
        Arbitrary<String> local = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
                .ofMinLength(1)
                .ofMaxLength(12);
        Arbitrary<String> domain = Arbitraries.of("example.com", "mail.example.org", "example.co.uk", "example.de");
        return Combinators.combine(local, Arbitraries.of("", ".", "_", "+"), local, domain)
                .as((a, separator, b, d) -> a + separator + b + "@" + d);
    }

    static Arbitrary<String> cards() {
        return Combinators.combine(
                        Arbitraries.of("4", "51", "55", "2221", "34", "6011"),
                        Arbitraries.strings().numeric().ofLength(18),
                        Arbitraries.of(13, 15, 16, 19),
                        Arbitraries.of("", " ", "-"))
                .as((prefix, filler, length, separator) -> {
                    String body = (prefix + filler).substring(0, length - 1);
                    String digits = body + luhnDigit(body);
                    return length == 16 ? String.join(separator, digits.split("(?<=\\G.{4})")) : digits;
                });
    }

    static Arbitrary<String> ibans() {
        return Combinators.combine(
                        Arbitraries.of("DE", "FR", "ES", "AT", "BE"),
                        Arbitraries.strings().numeric().ofLength(23),
                        Arbitraries.of(true, false))
                .as((country, filler, grouped) -> {
                    int length =
                            switch (country) {
                                case "DE" -> 22;
                                case "FR" -> 27;
                                case "ES" -> 24;
                                case "AT" -> 20;
                                default -> 16;
                            };
                    String bban = filler.substring(0, length - 4);
                    String number = bban + (country.charAt(0) - 'A' + 10) + (country.charAt(1) - 'A' + 10) + "00";
                    int check = 98
                            - new BigInteger(number).mod(BigInteger.valueOf(97)).intValue();
                    String iban = country + String.format("%02d", check) + bban;
                    return grouped ? String.join(" ", iban.split("(?<=\\G.{4})")) : iban;
                });
    }

    static Arbitrary<String> ipv4s() {
        return Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(octets ->
                        String.join(".", octets.stream().map(String::valueOf).toList()));
    }

    static Arbitrary<String> ipv6s() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 0xffff).list().ofSize(8),
                        Arbitraries.integers().between(0, 3))
                .as((groups, form) -> {
                    java.util.List<String> hex =
                            groups.stream().map(Integer::toHexString).toList();
                    return switch (form) {
                        case 0 -> String.join(":", hex);
                        case 1 -> "2001:db8::" + hex.get(7);
                        case 2 -> "fe80::" + String.join(":", hex.subList(4, 8));
                        default -> String.join(":", hex.subList(0, 3)) + "::" + hex.get(7);
                    };
                });
    }

    static Arbitrary<String> phones() {
        Arbitrary<String> four = Arbitraries.strings().numeric().ofLength(4);
        Arbitrary<String> three = Arbitraries.strings().numeric().ofLength(3);
        return Combinators.combine(three, three, four, Arbitraries.integers().between(0, 4))
                .as((a, b, c, form) -> switch (form) {
                    case 0 -> "+1 (" + (200 + Integer.parseInt(a) % 700) + ") " + b + "-" + c;
                    case 1 -> "+44 20 " + c + " " + c;
                    case 2 -> "030 " + c + c;
                    case 3 -> "0171 " + b + c;
                    default -> "+49 89 " + b + c;
                });
    }

    static Arbitrary<String> ssns() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 899).filter(area -> area != 666),
                        Arbitraries.integers().between(1, 99),
                        Arbitraries.integers().between(1, 9999))
                .as((area, group, serial) -> String.format("%03d-%02d-%04d", area, group, serial));
    }

    static Arbitrary<String> ninos() {
        return Combinators.combine(
                        Arbitraries.of("AB", "CE", "JG", "HW", "SX", "PL"),
                        Arbitraries.strings().numeric().ofLength(6),
                        Arbitraries.of("A", "B", "C", "D"))
                .as((prefix, digits, suffix) -> prefix + digits + suffix);
    }

    static Arbitrary<String> germanTaxIds() {
        return Combinators.combine(
                        Arbitraries.shuffle(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
                        Arbitraries.integers().between(1, 8),
                        Arbitraries.integers().between(0, 8))
                .as((digits, insertAt, repeatIndex) -> {
                    StringBuilder first = new StringBuilder();
                    digits.subList(0, 9).forEach(first::append);
                    if (first.charAt(0) == '0') {
                        first.setCharAt(0, first.charAt(1));
                        first.setCharAt(1, '0');
                    }
                    first.insert(insertAt.intValue(), first.charAt(repeatIndex.equals(insertAt) ? 0 : repeatIndex));
                    return first + String.valueOf(iso7064Digit(first.toString()));
                })
                .filter(id -> NationalIds.germanTaxId().find(id).size() == 1);
    }

    private static int luhnDigit(String body) {
        for (int digit = 0; digit <= 9; digit++) {
            if (Checksums.luhn(body + digit)) {
                return digit;
            }
        }
        throw new AssertionError("no Luhn digit for " + body);
    }

    private static int iso7064Digit(String first10) {
        for (int digit = 0; digit <= 9; digit++) {
            if (Checksums.iso7064Mod11x10(first10 + digit)) {
                return digit;
            }
        }
        throw new AssertionError("no check digit for " + first10);
    }
}
