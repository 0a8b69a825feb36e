import Testing

@testable import DiscreetPolicy

/// Phones in international form and in the national forms of France, the US, the UK and Germany;
/// dates in the common English and French written forms.
@Suite struct ScrubPhoneDateTests {
    func scrubbed(_ text: String, _ kinds: ScrubKinds) -> String { Scrubber.scrub(text, kinds: kinds)!.text }

    @Test(arguments: [
        // E.164 and the 00 prefix.
        ("call +33 6 12 34 56 78 now", "call [PHONE] now"),
        ("call +33612345678.", "call [PHONE]."),
        ("call 0033 6 12 34 56 78", "call [PHONE]"),
        ("tel +44 (0)20 7946 0958", "tel [PHONE]"),
        ("tel +1 (415) 555-2671", "tel [PHONE]"),
        ("tel +49 30 12345678", "tel [PHONE]"),
        ("tel +34 612 345 678", "tel [PHONE]"),
        // France.
        ("appelé au 06 12 34 56 78 hier", "appelé au [PHONE] hier"),
        ("fixe 01.42.68.53.00", "fixe [PHONE]"),
        ("fixe 01-42-68-53-00", "fixe [PHONE]"),
        ("portable 0612345678", "portable [PHONE]"),
        // United States.
        ("phone (415) 555-2671 ext", "phone [PHONE] ext"),
        ("phone 415-555-2671", "phone [PHONE]"),
        ("phone 415.555.2671", "phone [PHONE]"),
        ("phone 1-800-555-0199", "phone [PHONE]"),
        // United Kingdom.
        ("ring 020 7946 0958", "ring [PHONE]"),
        ("mobile 07700 900123", "mobile [PHONE]"),
        ("office 0161 496 0000", "office [PHONE]"),
        // Germany.
        ("Tel. 030 12345678", "tel. [PHONE]"),
        ("Tel. 030/12345678", "tel. [PHONE]"),
        ("Handy 0151 23456789", "handy [PHONE]"),
        ("Tel. (089) 1234567", "tel. [PHONE]"),
    ])
    func phonesAreScrubbed(text: String, expected: String) {
        #expect(scrubbed(text, [.phone]).lowercased() == expected.lowercased())
    }

    @Test(arguments: [
        "total 1 250 000 euros", "room 12 34", "call +99 123", "code 0012", "id 123-456-7890 is not US (area 1xx)",
        "call 0 6 12", "ref 12.34.56", "year 2026", "score 06 12 34",
    ])
    func phoneLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.phone]) == text)
    }

    @Test(arguments: [
        ("seen 14/03/2026 at", "seen [DATE] at"),
        ("seen 03/14/2026 at", "seen [DATE] at"),
        ("seen 2026-03-14.", "seen [DATE]."),
        ("seen 14.03.26 at", "seen [DATE] at"),
        ("born March 14, 1984 in", "born [DATE] in"),
        ("born 14 March 1984 in", "born [DATE] in"),
        ("on the 14th of March", "on the [DATE]"),
        ("vu le 14 mars 2026.", "vu le [DATE]"),
        ("vu le 1er mars", "vu le [DATE]"),
        ("rappel le 3 janv. sans faute", "rappel le [DATE] sans faute"),
        ("né le 29 février 1984", "né le [DATE]"),
        ("depuis mars 2026", "depuis [DATE]"),
        ("expires 03/2027", "expires [DATE]"),
        ("on Dec 5th, 2025 we", "on [DATE] we"),
    ])
    func datesAreScrubbed(text: String, expected: String) {
        let out = scrubbed(text, [.date])
        #expect(out == expected || out == expected + ".")
    }

    @Test(arguments: [
        "35/03/2026", "14/13/2026", "29/02/2025", "it may rain", "mars est une planète", "sept ans plus tard",
        "in march", "version 2026-13-01", "ratio 12/30",
    ])
    func dateLookAlikesStay(text: String) {
        #expect(scrubbed(text, [.date]) == text)
    }

    @Test func aDateShapedLikeAnSSNIsADateAndAnSSNShapedNumberIsNoDate() {
        #expect(scrubbed("12-03-2026", [.usSSN, .date]) == "[DATE]")
        #expect(scrubbed("536-22-1234", [.usSSN, .date]) == "[US-SSN]")
    }
}
