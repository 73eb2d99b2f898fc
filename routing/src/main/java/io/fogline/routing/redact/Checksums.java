package io.fogline.routing.redact;

import java.math.BigInteger;

/** The check-digit schemes of the identifiers the detectors find. */
public final class Checksums {

    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

    private Checksums() {}

    /** Luhn (ISO/IEC 7812) over a string of digits, as payment cards carry it. */
    public static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return !digits.isEmpty() && sum % 10 == 0;
    }

    /** ISO 13616 IBAN check: the country and check digits moved to the end, letters as 10..35, mod 97 is 1. */
    public static boolean ibanMod97(String compactIban) {
        String rearranged = compactIban.substring(4) + compactIban.substring(0, 4);
        StringBuilder number = new StringBuilder(rearranged.length() * 2);
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                number.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                number.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(number.toString()).mod(NINETY_SEVEN).intValue() == 1;
    }

    /** ISO 7064 MOD 11,10 (the German tax ID's check digit): the last digit checks all before it. */
    public static boolean iso7064Mod11x10(String digits) {
        int product = 10;
        for (int i = 0; i < digits.length() - 1; i++) {
            int sum = (digits.charAt(i) - '0' + product) % 10;
            if (sum == 0) {
                sum = 10;
            }
            product = (sum * 2) % 11;
        }
        int check = 11 - product;
        if (check == 10) {
            check = 0;
        }
        return digits.length() > 1 && check == digits.charAt(digits.length() - 1) - '0';
    }
}
