import Testing

@testable import DiscreetPolicy

/// Each kind: a valid identifier is replaced by its placeholder; a look-alike that fails its
/// validator stays as written.
@Suite struct ScrubKindTests {
    func scrubbed(_ text: String, _ kinds: ScrubKinds = .all) -> String { Scrubber.scrub(text, kinds: kinds)!.text }

    @Test(arguments: [
        ("pays by card 4970 1012 3456 7893.", "pays by card [CARD]."),
        ("card 4111111111111111 on file", "card [CARD] on file"),
        ("amex 3782-822463-10005", "amex [CARD]"),
        ("mc 5555 5555 5555 4444", "mc [CARD]"),
        ("diners 3056 930902 5904", "diners [CARD]"),
    ])
    func cardsWithTheirLuhnDigitAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.card]) == expected)
    }

    @Test(arguments: [
        "order 4970 1012 3456 7897 shipped",  // Luhn fails
        "order 1234567812345678 shipped",  // no issuer starts with 1
        "ref 4111 11111 1111 111 only",  // not a card's grouping
        "visa-like 41111111111111 (14 digits)",  // Visa has no 14-digit numbers
    ])
    func cardLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.card]) == text)
    }

    @Test(arguments: [
        ("IBAN FR76 3000 6000 0112 3456 7890 189 for refunds", "IBAN [IBAN] for refunds"),
        ("iban: DE89370400440532013000.", "iban: [IBAN]."),
        ("GB29 NWBK 6016 1331 9268 19", "[IBAN]"),
        ("be68539007547034", "[IBAN]"),
    ])
    func ibansWithTheirCheckAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.iban]) == expected)
    }

    @Test(arguments: [
        "FR76 3000 6000 0112 3456 7890 188",  // mod 97 fails
        "DE89 3704 0044 0532 0130",  // too short for Germany
        "ZZ12 3456 7890 1234",  // no such country
    ])
    func ibanLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.iban]) == text)
    }

    @Test(arguments: [
        ("SSN 536-22-1234 on file", "SSN [US-SSN] on file"),
        ("ssn: 536 22 1234", "ssn: [US-SSN]"),
        ("social security number 536221234.", "social security number [US-SSN]."),
    ])
    func socialSecurityNumbersAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.usSSN]) == expected)
    }

    @Test(arguments: [
        "ref 000-12-3456", "ref 666-12-3456", "ref 912-12-3456", "ref 536-00-1234", "ref 536-22-0000",
        "invoice 536221234",  // nine digits, not named as an SSN
    ])
    func ssnLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.usSSN]) == text)
    }

    @Test(arguments: [
        ("NIR 1 85 05 78 006 084 91 joint", "NIR [FR-NIR] joint"),
        ("n° 185057800608491.", "n° [FR-NIR]."),
        ("secu 2 90 12 2A 004 123 67", "secu [FR-NIR]"),
        ("secu 1 70 07 2B 123 456 51", "secu [FR-NIR]"),
    ])
    func nirsWithTheirKeyAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.frNIR]) == expected)
    }

    @Test(arguments: [
        "NIR 1 85 05 78 006 084 36",  // wrong key
        "dossier 185137800608491",  // month 13
        "secu 2 90 12 2C 004 123 67",  // no department 2C
    ])
    func nirLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.frNIR]) == text)
    }

    @Test(arguments: [
        ("write to ana.souza+bills@example.co.uk today", "write to [EMAIL] today"),
        ("(jdoe@mail.example.org)", "([EMAIL])"),
        ("see https://example.com/a?b=1, then", "see [URL], then"),
        ("at www.clinique-exemple.fr.", "at [URL]."),
        ("from 192.168.10.1 and 2001:db8::8a2e:370:7334", "from [IP] and [IP]"),
        ("host ::ffff:192.0.2.128 seen", "host [IP] seen"),
    ])
    func networkAddressesAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.email, .url, .ip]) == expected)
    }

    @Test(arguments: [
        "version 1.2.3 released", "at 10:30:45 sharp", "score 256.1.1.1 too high", "an @ alone", "mail@localhost",
        "cafe::bad beef",
    ])
    func networkLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.email, .url, .ip]) == text)
    }
}
