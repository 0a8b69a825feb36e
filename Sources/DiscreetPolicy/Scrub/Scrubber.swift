/// `scrub`: free text with its identifiers replaced by typed placeholders (`[PHONE]`), and the
/// record's own withheld or transformed values by their field's category (`[identity.name]`).
///
/// The text is folded once (`FoldedText`); each finder reads the folded bytes in one pass with a
/// bounded look-ahead, so 1 MiB of digits, `@`, dots or brackets takes milliseconds. Where two
/// matches overlap, the longer stays, then the higher `ScrubMatch.rank`. Replacements are made in
/// the text as written, between the original offsets of each match's first and last units, in one
/// pass: no placeholder is ever inside another, and the result holds no identifier the finders
/// would find again.
public enum Scrubber {
    /// The text with what was found replaced, and how many of each label, sorted by label. Nil for
    /// a text too long to index (4 GiB) or one that does not settle (`find`): the field is withheld.
    /// `agesOver89`: Safe Harbor's rule, ages over 89 written in the text become "90 or older".
    public static func scrub(
        _ text: String, kinds: ScrubKinds, record: RecordValues = RecordValues(), agesOver89: Bool = false
    ) -> ScrubResult? {
        guard let folded = FoldedText(text), let matches = find(in: folded, kinds: kinds, record: record, agesOver89: agesOver89)
        else { return nil }
        return replace(text, matches, folded, record)
    }

    /// `scrub`'s result and the spans it replaced (`spans`), from one reading of the text.
    public static func scrubWithSpans(
        _ text: String, kinds: ScrubKinds, record: RecordValues = RecordValues(), agesOver89: Bool = false
    ) -> (ScrubResult, [ScrubSpan])? {
        guard let folded = FoldedText(text), let matches = find(in: folded, kinds: kinds, record: record, agesOver89: agesOver89)
        else { return nil }
        return (replace(text, matches, folded, record), spans(matches, folded, record))
    }

    static func replace(_ text: String, _ matches: [ScrubMatch], _ folded: FoldedText, _ record: RecordValues) -> ScrubResult {
        guard !matches.isEmpty else { return ScrubResult(text: text, counts: []) }
        var counts: [String: Int] = [:]
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { utf8 in
            out.reserveCapacity(utf8.count + 16 * matches.count)
            var copied = 0
            for m in matches {
                let from = Int(folded.starts[m.start])
                let to = Int(folded.ends[m.end - 1])
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[copied..<from]))
                let label = name(m.label, record)
                out.append(UInt8(ascii: "["))
                out.append(contentsOf: label.utf8)
                out.append(UInt8(ascii: "]"))
                counts[label, default: 0] += 1
                copied = to
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[copied...]))
        }
        let sorted = counts.map { ScrubCount(label: $0.key, count: $0.value) }.sorted {
            $0.label.utf8.lexicographicallyPrecedes($1.label.utf8)
        }
        return ScrubResult(text: String(decoding: out, as: UTF8.self), counts: sorted)
    }

    /// Where `scrub` would replace, in UTF-8 offsets of the text, with each span's label: for
    /// tools that score the scrubber against labelled text (`discreet policy scrub --jsonl`).
    public static func spans(
        _ text: String, kinds: ScrubKinds, record: RecordValues = RecordValues(), agesOver89: Bool = false
    ) -> [ScrubSpan]? {
        guard let folded = FoldedText(text), let matches = find(in: folded, kinds: kinds, record: record, agesOver89: agesOver89)
        else { return nil }
        return spans(matches, folded, record)
    }

    static func spans(_ matches: [ScrubMatch], _ folded: FoldedText, _ record: RecordValues) -> [ScrubSpan] {
        matches.map {
            ScrubSpan(
                utf8Start: Int(folded.starts[$0.start]), utf8End: Int(folded.ends[$0.end - 1]), label: name($0.label, record))
        }
    }

    static func name(_ label: ScrubMatch.Label, _ record: RecordValues) -> String {
        switch label {
        case .kind(let k): k.name
        case .record(let i): record.labels[i]
        case .ageOver89: SafeHarbor.ninetyOrOlder
        }
    }

    /// Every match kept, in text order, none overlapping another.
    ///
    /// A finder wants an identifier to stand alone (no letter or digit touching it), so one
    /// written flush against another (`…@a.fr+33 6…`) is missed while its neighbour is there. Each
    /// kept match is therefore blanked (its units made a symbol, which no finder reads as part of
    /// anything) and the finders run again, until nothing new is found: what is left holds nothing
    /// they would find, even once the placeholders stand in the text. Another round only when a
    /// match of the last one `touches` its surroundings or overlapped another; nil (the field is
    /// withheld, as `untransformable`) when the text has not settled after `maxRounds`.
    static func find(in folded: FoldedText, kinds: ScrubKinds, record: RecordValues, agesOver89: Bool = false)
        -> [ScrubMatch]?
    {
        var b = folded.bytes
        var (kept, overlapped) = findOnce(b, kinds: kinds, record: record, agesOver89: agesOver89)
        var rounds = 1
        var fresh = kept
        var grew = false
        while !fresh.isEmpty, overlapped || fresh.contains(where: { touches($0, b) }) {
            // Text built so that each removal reveals another, round after round: withheld whole.
            guard rounds < maxRounds else { return nil }
            for m in fresh { for i in m.start..<m.end { b[i] = FoldedText.symbol } }
            (fresh, overlapped) = findOnce(b, kinds: kinds, record: record, agesOver89: agesOver89)
            rounds += 1
            grew = grew || !fresh.isEmpty
            kept += fresh
        }
        return grew ? kept.sorted { $0.start < $1.start } : kept
    }

    /// Real notes settle in one or two readings; 16 bounds the work on text built to chain.
    static let maxRounds = 16

    /// Whether a match touches something a finder may have passed over for it: a letter or digit
    /// flush against either end, or reached through characters finders read across (`.`, `-`,
    /// `/`, `:`, `@`…: an e-mail's domain running on into it), a `+` or `(` after it, or a number in
    /// groups running on across a separator (a space, `-`, `.`, `/`) on either side. Most matches stand apart (`[PHONE] now`, `[CARD].`), and
    /// then one reading is enough. The scans cover the gap to the next word only, and gaps do not
    /// overlap: linear.
    static func touches(_ m: ScrubMatch, _ b: [UInt8]) -> Bool {
        let n = b.count
        if m.end < n {
            let c = b[m.end]
            if c.isWord || c == UInt8(ascii: "+") || c == UInt8(ascii: "(") { return true }
            if DigitGroups.isSeparator(c), m.end + 1 < n,
                b[m.end + 1].isDigit || b[m.end + 1] == UInt8(ascii: "+") || b[m.end + 1] == UInt8(ascii: "(")
            {
                return true
            }
            var k = m.end
            while k < n, readAcross(b[k]) { k += 1 }
            if k > m.end, k < n, b[k].isWord { return true }
        }
        if m.start > 0 {
            let c = b[m.start - 1]
            if c.isWord { return true }
            if DigitGroups.isSeparator(c), m.start >= 2, b[m.start - 2].isDigit { return true }
            var k = m.start
            while k > 0, readAcross(b[k - 1]) { k -= 1 }
            if k < m.start, k > 0, b[k - 1].isWord { return true }
        }
        return false
    }

    /// Characters some finder reads across between letters or digits.
    static func readAcross(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"),
            UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "'"), UInt8(ascii: "#"),
            UInt8(ascii: "?"), UInt8(ascii: "="), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"):
            true
        default: false
        }
    }

    /// The matches of one reading, and whether any was dropped for overlapping a kept one (it may
    /// have had another reading, which only the next round can find).
    static func findOnce(_ b: [UInt8], kinds: ScrubKinds, record: RecordValues, agesOver89: Bool) -> ([ScrubMatch], Bool) {
        var all: [ScrubMatch] = []
        if !record.isEmpty { record.find(in: b, into: &all) }
        if agesOver89 { AgeMention.find(in: b, into: &all) }
        if kinds.contains(.email) { NetworkAddress.emails(in: b, into: &all) }
        if kinds.contains(.url) { NetworkAddress.urls(in: b, into: &all) }
        if kinds.contains(.ip) { NetworkAddress.ips(in: b, into: &all) }
        if kinds.contains(.iban) { IBAN.find(in: b, into: &all) }
        if kinds.contains(.frNIR) { FrenchNIR.find(in: b, into: &all) }
        if kinds.contains(.phone) { PhoneNumber.find(in: b, into: &all) }
        let wantsDates = kinds.contains(.date) || !record.dates.isEmpty
        if kinds.contains(.card) || kinds.contains(.usSSN) || wantsDates {
            let groups = DigitGroups(b)
            if kinds.contains(.card) { CardNumber.find(in: groups, into: &all) }
            if kinds.contains(.usSSN) { SocialSecurityNumber.find(in: groups, into: &all) }
            if wantsDates {
                for date in WrittenDate.find(groups: groups, in: b) {
                    if let value = recordDate(date, record) {
                        all.append(ScrubMatch(start: date.start, end: date.end, label: .record(value)))
                    } else if kinds.contains(.date) {
                        all.append(ScrubMatch(start: date.start, end: date.end, label: .kind(.date)))
                    }
                }
            }
        }
        let kept = resolve(all, units: b.count)
        return (kept, kept.count < all.count)
    }

    /// The record value a found date is, if any: one of the record's dates, its day and month
    /// written (`14 mars` is a birthday as much as `14 mars 1984` is), its year too if written, or
    /// its month and year (`mars 1984`).
    static func recordDate(_ date: FoundDate, _ record: RecordValues) -> Int? {
        for r in date.readings {
            let hit = record.dates.first { v in
                guard v.month == r.month else { return false }
                if let d = r.day { return d == v.day && (r.year == nil || r.year == v.year) }
                return r.year == v.year
            }
            if let hit { return hit.value }
        }
        return nil
    }

    /// Keeps the longer, then the higher-ranked, then the earlier of overlapping matches: an
    /// e-mail address holding a surname goes whole as `[EMAIL]`, and a phone number that is the
    /// record's own is named by its field.
    static func resolve(_ matches: [ScrubMatch], units: Int) -> [ScrubMatch] {
        guard matches.count > 1 else { return matches }
        let ordered = matches.sorted {
            if $0.end - $0.start != $1.end - $1.start { return $0.end - $0.start > $1.end - $1.start }
            if $0.rank != $1.rank { return $0.rank > $1.rank }
            return $0.start < $1.start
        }
        var taken = [Bool](repeating: false, count: units)
        var kept: [ScrubMatch] = []
        for m in ordered where !taken[m.start..<m.end].contains(true) {
            for i in m.start..<m.end { taken[i] = true }
            kept.append(m)
        }
        return kept.sorted { $0.start < $1.start }
    }
}

/// One replacement `scrub` makes: the original text's UTF-8 offsets and the placeholder's label.
public struct ScrubSpan: Sendable, Equatable {
    public var utf8Start: Int
    public var utf8End: Int
    public var label: String
}

/// What `scrub` made of a text.
public struct ScrubResult: Sendable, Equatable {
    public var text: String
    /// How many of each label were removed, sorted by label (`PHONE` before `identity.name`).
    public var counts: [ScrubCount]
}
