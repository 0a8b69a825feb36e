import DiscreetTestSupport
import Testing

@testable import DiscreetPolicy

/// Identifiers written to slip past a pattern are found as their plain form would be, and the
/// replacement covers exactly the characters as written.
/// Serialized: its cases of a mebibyte each keep a core busy for seconds in a debug build; run
/// together they took both of a two-core machine's pool threads and starved other suites' timers.
/// Each also runs on a Dispatch thread (`offPool`): even one at a time, seconds without a
/// suspension held one of the pool's two threads while other CPU-bound tests held the other.
@Suite(.serialized) struct ScrubEvasionTests {
    func scrubbed(_ text: String, _ kinds: ScrubKinds = .all) -> String { Scrubber.scrub(text, kinds: kinds)!.text }

    @Test(arguments: [
        // Zero-width space, joiner, word joiner, soft hyphen, BOM and direction marks inside.
        ("call 06\u{200B}12\u{200C}34\u{2060}56\u{00AD}78 now", "call [PHONE] now"),
        ("card 4970\u{FEFF}1012\u{200D}3456\u{200E}7893!", "card [CARD]!"),
        ("mail a\u{200B}na@exa\u{200B}mple.com ok", "mail [EMAIL] ok"),
        // Full-width digits and letters.
        ("call ０６ １２ ３４ ５６ ７８ now", "call [PHONE] now"),
        ("mail ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ ok", "mail [EMAIL] ok"),
        // Other scripts' digits: Arabic-Indic, Devanagari, mathematical bold.
        ("call ٠٦ ١٢ ٣٤ ٥٦ ٧٨ now", "call [PHONE] now"),
        ("call ०६ १२ ३४ ५६ ७८ now", "call [PHONE] now"),
        ("call 𝟎𝟔 𝟏𝟐 𝟑𝟒 𝟓𝟔 𝟕𝟖 now", "call [PHONE] now"),
        // Cyrillic and Greek homoglyphs in an address and an IBAN.
        ("mail аnа@ехаmрlе.соm ok", "mail [EMAIL] ok"),
        ("iban FR76 3000 6000 0112 3456 7890 189", "iban [IBAN]"),
        ("iban ϜR76 3000 6000 0112 3456 7890 189", "iban ϜR76 3000 6000 0112 3456 7890 189"),
        ("iban FR76 ３０００ 6000 0112 3456 7890 189.", "iban [IBAN]."),
        // Other spaces and dashes between groups.
        ("call 06\u{00A0}12\u{2009}34\u{202F}56 78 now", "call [PHONE] now"),
        ("ssn 536\u{2013}22\u{2011}1234 ok", "ssn [US-SSN] ok"),
        // Combining accents on digits stay with what they mark.
        ("call 0\u{301}6 12 34 56 78\u{301} now", "call [PHONE] now"),
    ])
    func hiddenIdentifiersAreFound(text: String, expected: String) {
        #expect(scrubbed(text) == expected)
    }

    @Test func aMatchIsReplacedInTheTextAsWrittenAndTheRestIsKeptByteForByte() {
        let text = "Ünïcödé 😀 avant ０６ １２ ３４ ５６ ７８ après — 🇫🇷 fin"
        #expect(scrubbed(text, [.phone]) == "Ünïcödé 😀 avant [PHONE] après — 🇫🇷 fin")
    }

    /// Texts that make a naive pattern backtrack: each finder reads them once. No time bound here
    /// (speed is the benchmark's and the fuzzer's); that each completes and finds nothing is.
    @Test(arguments: [
        String(repeating: "1", count: 1 << 20), String(repeating: "@", count: 1 << 20),
        String(repeating: ".", count: 1 << 20), String(repeating: "(", count: 1 << 19) + String(repeating: ")", count: 1 << 19),
        String(repeating: "a@", count: 1 << 19), String(repeating: "1 ", count: 1 << 19),
        String(repeating: "1.", count: 1 << 19), String(repeating: "+3", count: 1 << 19),
        String(repeating: "fr76", count: 1 << 18), String(repeating: ":1", count: 1 << 19),
        String(repeating: "http://", count: 1 << 17),
    ])
    func oneMebibyteOfRepeatsLeavesNothingToFind(text: String) async throws {
        let result = try await offPool { Scrubber.scrub(text, kinds: .all)! }
        #expect(result.counts.allSatisfy { $0.label == "URL" })
    }
}

/// Identifiers written flush against one another are each found (a finder wants its identifier to
/// stand alone, so the kept ones are blanked and the text read again), and what is left holds
/// nothing the finders would find in the output: scrubbing twice changes nothing.
@Suite struct ScrubAdjacencyTests {
    @Test(arguments: [
        // Ambiguous: the first domain takes "frbob"; what is left is no address.
        ("ana@x.frbob@y.fr", "[EMAIL]@y.fr"),
        ("mail ana@x.fr+33 6 12 34 56 78 now", "mail [EMAIL][PHONE] now"),
        ("14.03.26 March 14, 1984", "[DATE] [DATE]"),
        ("SSN 536-22-1234 536221234", "SSN [US-SSN] 536221234"),
    ])
    func flushIdentifiersAreEachFoundAndScrubbingTwiceChangesNothing(text: String, expected: String) throws {
        let once = try #require(Scrubber.scrub(text, kinds: .all))
        #expect(once.text == expected)
        #expect(Scrubber.scrub(once.text, kinds: .all)?.text == once.text)
    }
}

/// A text built so that each removal reveals the next identifier settles round after round, up to
/// `Scrubber.maxRounds`; past that it is withheld whole (nil: `untransformable`), never released
/// half-scrubbed, and the work stays bounded.
@Suite struct ScrubChainTests {
    static func chain(_ links: Int) -> String { "call " + String(repeating: "+(415) 5(415) 5 ", count: links) + "end" }

    @Test func aChainWithinTheBoundSettlesWithEveryLinkRemoved() throws {
        let result = try #require(Scrubber.scrub(Self.chain(10), kinds: [.phone]))
        #expect(result.text == "call " + String(repeating: "[PHONE] ", count: 10) + "end")
        #expect(Scrubber.scrub(result.text, kinds: [.phone])?.text == result.text)
    }

    @Test func aChainPastTheBoundIsWithheldWhole() {
        #expect(Scrubber.scrub(Self.chain(Scrubber.maxRounds + 4), kinds: [.phone]) == nil)
    }
}
