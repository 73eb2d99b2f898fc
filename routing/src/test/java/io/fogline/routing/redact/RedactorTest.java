package io.fogline.routing.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private final Redactor redactor = Redactor.standard();

    private String redact(String text) {
        return redactor.newSession().redact(text);
    }

    @Test
    void redactsEmailAddresses() {
        assertThat(redact("Write to anna.schmidt+billing@mail.example.de today."))
                .isEqualTo("Write to <EMAIL_1> today.");
        assertThat(redact("the asset report@2x.png and @handle")).isEqualTo("the asset report@2x.png and @handle");
    }

    @Test
    void redactsInternationalAndNationalPhoneNumbers() {
        assertThat(redact("Call +1 (415) 555-0132, +44 (0)20 7946 0958 or 030 12345678."))
                .isEqualTo("Call <PHONE_1>, <PHONE_2> or <PHONE_3>.");
        assertThat(redact("US 415-555-0132, UK 07700 900123, FR 01 23 45 67 89, DE 089/1234567"))
                .isEqualTo("US <PHONE_1>, UK <PHONE_2>, FR <PHONE_3>, DE <PHONE_4>");
        assertThat(redact("shipped 2024-05-01, build 1.12.4, ext 4521"))
                .isEqualTo("shipped 2024-05-01, build 1.12.4, ext 4521");
    }

    @Test
    void redactsCardNumbersThatPassLuhnOnly() {
        assertThat(redact("Card 4111 1111 1111 1111 and Amex 3782-822463-10005."))
                .isEqualTo("Card <CARD_1> and Amex <CARD_2>.");
        assertThat(redact("Tracking 4111 1111 1111 1112 and 1234567890123456."))
                .isEqualTo("Tracking 4111 1111 1111 1112 and 1234567890123456.");
    }

    @Test
    void redactsIbansThatPassMod97Only() {
        assertThat(redact("IBAN DE89 3704 0044 0532 0130 00, or GB29NWBK60161331926819 NOW"))
                .isEqualTo("IBAN <IBAN_1>, or <IBAN_2> NOW");
        assertThat(redact("DE12 3456 7890 1234 5678 90")).isEqualTo("DE12 3456 7890 1234 5678 90");
    }

    @Test
    void redactsIpv4AndIpv6AddressesButNotTimesOrMacs() {
        assertThat(redact("from 192.168.1.20:8080 and [2001:db8::ff00:42:8329] and ::1."))
                .isEqualTo("from <IPV4_1>:8080 and [<IPV6_1>] and <IPV6_2>.");
        assertThat(redact("at 12:45:10 MAC 00:1A:2B:3C:4D:5E, 256.1.1.1, std::vector"))
                .isEqualTo("at 12:45:10 MAC 00:1A:2B:3C:4D:5E, 256.1.1.1, std::vector");
    }

    @Test
    void redactsUsSocialSecurityNumbersWithinTheIssuedRanges() {
        assertThat(redact("SSN 536-90-4399 or 219 09 9999")).isEqualTo("SSN <US_SSN_1> or <US_SSN_2>");
        assertThat(redact("000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000"))
                .isEqualTo("000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000");
    }

    @Test
    void redactsUkNationalInsuranceNumbersWithAllocatedPrefixes() {
        assertThat(redact("NI JG 10 33 47 B and AB123456C")).isEqualTo("NI <UK_NINO_1> and <UK_NINO_2>");
        assertThat(redact("QQ123456C GB123456A AB123456E")).isEqualTo("QQ123456C GB123456A AB123456E");
    }

    @Test
    void redactsGermanTaxIdsWithAValidCheckDigit() {
        assertThat(redact("Steuer-ID 65929970489 bzw. 65 929 970 489"))
                .isEqualTo("Steuer-ID <DE_TAX_ID_1> bzw. <DE_TAX_ID_2>");
        assertThat(redact("12345678901 65929970488")).isEqualTo("12345678901 65929970488");
    }

    @Test
    void givesARepeatedEntityTheSamePlaceholderAcrossTheTextsOfASession() {
        RedactionSession session = redactor.newSession();
        assertThat(session.redact("mail a@example.com")).isEqualTo("mail <EMAIL_1>");
        assertThat(session.redact("b@example.com, then a@example.com")).isEqualTo("<EMAIL_2>, then <EMAIL_1>");
        assertThat(session.restore("Sent to <EMAIL_2> and <EMAIL_1>; <EMAIL_3> unknown"))
                .isEqualTo("Sent to b@example.com and a@example.com; <EMAIL_3> unknown");
    }

    @Test
    void skipsAPlaceholderTheTextAlreadyHolds() {
        RedactionSession session = redactor.newSession();
        String redacted = session.redact("literal <EMAIL_1> and a@example.com");
        assertThat(redacted).isEqualTo("literal <EMAIL_1> and <EMAIL_2>");
        assertThat(session.restore(redacted)).isEqualTo("literal <EMAIL_1> and a@example.com");
    }

    @Test
    void restoresAPlaceholderSplitAcrossStreamedPieces() {
        RedactionSession session = redactor.newSession();
        session.redact("card 4111111111111111");
        StreamRestorer restorer = session.streamRestorer();
        assertThat(restorer.next("Your card <CA")).isEqualTo("Your card ");
        assertThat(restorer.next("RD_1> is on file; 3 < 4")).isEqualTo("4111111111111111 is on file; 3 ");
        assertThat(restorer.finish()).isEqualTo("< 4");
    }

    @Test
    void acceptsAnotherCountrysIdAsAPluggableDetector() {
        Detector frenchSocialSecurity =
                new PatternDetector("FR_NIR", Pattern.compile("\\b[12]\\d{12}(\\d{2})\\b"), match -> {
                    long body = Long.parseLong(match.substring(0, 13));
                    return 97 - body % 97 == Long.parseLong(match.substring(13));
                });
        Redactor withFrench = Redactor.withNationalIds(List.of(frenchSocialSecurity));
        assertThat(withFrench.newSession().redact("NIR 185057800608491 ou 185057800608492"))
                .isEqualTo("NIR <FR_NIR_1> ou 185057800608492");
    }
}
