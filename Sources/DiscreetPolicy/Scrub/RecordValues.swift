/// The values of a record's fields that a decision withholds or transforms, so that `scrub` removes
/// them from the record's free text too: a field that may not leave may not leave inside another.
///
/// Each value is folded as the text is (`FoldedText`) and matched on its letters and digits alone,
/// so that case, accents, spacing and separators do not matter (`06 12 34 56 78` finds
/// `06.12.34.56.78`). A match starts and ends on word boundaries. Beside the whole value, a value
/// of several words is also found by the forms people write (docs/decisions/0013): each word that
/// says something alone (`isTelling`: the surname alone, the given name alone, a code's `F33`),
/// each run of two to four of its words holding such a word (`F33.2` of `F33.2 recurrent`), the
/// initial and the last word (`A. Souza`), the first and the last without those between
/// (`Ana Souza` for Ana Lúcia Souza), the last word and the first (`Souza, Ana`); a
/// number written with its country code is also found in its national form. A date is found
/// however the text writes it (`WrittenDate`). Values shorter than three letters or four digits
/// are not looked for: they would match everywhere.
public struct RecordValues: Sendable {
    /// What each value's match is replaced by (its field's category), by value index.
    public private(set) var labels: [String] = []
    /// The longest value matched, in letters and digits; longer ones are cut there (and only
    /// their words are looked for).
    static let maxNeedle = 64

    /// A trie over folded letters and digits: `(node << 8 | byte)` to child node.
    private var edges: [UInt64: Int32] = [:]
    /// By node: the value index a needle ending there names, or -1.
    private var terminal: [Int32] = [-1]
    /// Calendar days of values that are dates, with their value index.
    private(set) var dates: [(year: Int, month: Int, day: Int, value: Int)] = []

    public init() {}

    public var isEmpty: Bool { labels.isEmpty }

    /// Adds a field's value, to be replaced by `[label]` where found.
    public mutating func add(_ text: String, label: String) {
        guard let folded = FoldedText(text), folded.count <= 4096 else { return }
        let index = labels.count
        var added = false
        if let date = Self.calendarDay(text) {
            dates.append((date.0, date.1, date.2, index))
            added = true
        }
        let b = folded.bytes
        var words: [[UInt8]] = []
        var i = 0
        while i < b.count {
            guard b[i].isWord else {
                i += 1
                continue
            }
            let s = i
            while i < b.count, b[i].isWord { i += 1 }
            words.append(Array(b[s..<i]))
        }
        guard !words.isEmpty || added else { return }
        let whole = words.flatMap { $0 }
        added = insert(whole, index) || added
        // A date is found by its day, however written; its year alone is not the date.
        if !dates.isEmpty, dates[dates.count - 1].value == index {
            labels.append(label)
            return
        }
        let hasLetters = whole.contains(where: \.isLetter)
        if words.count >= 2 {
            // Each word that says something alone, and each run of two to four words holding one.
            let telling = words.map(Self.isTelling)
            for start in words.indices {
                if telling[start] { added = insert(words[start], index) || added }
                for end in (start + 2)..<min(start + 5, words.count + 1) where end - start < words.count {
                    if telling[start..<end].contains(true) { added = insert(words[start..<end].flatMap { $0 }, index) || added }
                }
            }
            if hasLetters, let first = words.first, let last = words.last, first[0].isLetter, last.count >= 3 {
                added = insert([first[0]] + last, index) || added
                added = insert(last + first, index) || added
                // Ana Lúcia Souza is also Ana Souza.
                if words.count >= 3 { added = insert(first + last, index) || added }
            }
        }
        // +33 6 12 34 56 78 is also written 06 12 34 56 78.
        if !hasLetters, b.first == UInt8(ascii: "+"), whole.count >= 8 {
            let digits = whole.map { $0 - 0x30 }
            if let cc = PhoneNumber.countryCodeLength(digits[...]) {
                added = insert([0x30] + whole[cc...], index) || added
            }
        }
        if added { labels.append(label) }
    }

    /// A word worth finding alone: not a common word, and three letters or more (`Souza`), three
    /// characters mixing letters and digits (`F33`), or four digits or more (`75011`).
    static func isTelling(_ w: [UInt8]) -> Bool {
        guard !commonWords.contains(w) else { return false }
        let letters = w.contains(where: \.isLetter)
        let digits = w.contains(where: \.isDigit)
        return letters ? w.count >= 3 : digits && w.count >= 4
    }

    private mutating func insert(_ needle: [UInt8], _ value: Int) -> Bool {
        let digitsOnly = needle.allSatisfy(\.isDigit)
        guard needle.count >= (digitsOnly ? 4 : 3) else { return false }
        var node = 0
        for c in needle.prefix(Self.maxNeedle) {
            let key = UInt64(node) << 8 | UInt64(c)
            if let next = edges[key] {
                node = Int(next)
            } else {
                terminal.append(-1)
                node = terminal.count - 1
                edges[key] = Int32(node)
            }
        }
        if terminal[node] < 0 { terminal[node] = Int32(value) }
        return true
    }

    /// Where the values occur in folded text: from each word's start, the longest needle that ends
    /// on a word's end, skipping up to two separators between letters or digits. Each start walks
    /// at most `maxNeedle` letters and digits: linear in the text.
    func find(in b: [UInt8], into out: inout [ScrubMatch]) {
        guard !edges.isEmpty else { return }
        let n = b.count
        var p = 0
        while p < n {
            guard b[p].isWord, p == 0 || !b[p - 1].isWord else {
                p += 1
                continue
            }
            var node = 0
            var i = p
            var best: (end: Int, value: Int32)?
            var consumed = 0
            walk: while i < n, consumed < Self.maxNeedle {
                let c = b[i]
                if c.isWord {
                    guard let next = edges[UInt64(node) << 8 | UInt64(c)] else { break }
                    node = Int(next)
                    consumed += 1
                    i += 1
                    if terminal[node] >= 0, i == n || !b[i].isWord { best = (i, terminal[node]) }
                    continue
                }
                var skipped = 0
                while i < n, !b[i].isWord {
                    guard Self.isSeparator(b[i]), skipped < 2 else { break walk }
                    skipped += 1
                    i += 1
                }
            }
            if let best {
                // A number's own `+` goes with it (+33 6 12 34 56 78).
                let start = p > 0 && b[p - 1] == UInt8(ascii: "+") && b[p].isDigit ? p - 1 : p
                out.append(ScrubMatch(start: start, end: best.end, label: .record(Int(best.value))))
                p = best.end
            } else {
                p += 1
                while p < n, b[p].isWord { p += 1 }
            }
        }
    }

    static func isSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/") || c == UInt8(ascii: ",")
            || c == UInt8(ascii: "'") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "+")
    }

    /// `1984-03-14` or an RFC 3339 date-time: its calendar day.
    static func calendarDay(_ text: String) -> (Int, Int, Int)? {
        guard let (d, rest) = RFC3339.parseDatePrefix(Substring(text)), rest.isEmpty || RFC3339.parse(text) != nil else {
            return nil
        }
        return (d.year, d.month, d.day)
    }

    /// Words too common to be looked for alone when they are part of a longer value: titles,
    /// particles and the words of street names, in English and French.
    static let commonWords: Set<[UInt8]> = Set(
        [
            "mme", "mlle", "madame", "monsieur", "mrs", "miss", "docteur", "maitre", "the", "and", "des", "les", "del", "van",
            "von", "der", "den", "rue", "avenue", "boulevard", "chemin", "route", "place", "allee", "impasse", "quai",
            "cours", "street", "road", "lane", "drive", "court", "way", "saint", "sainte", "cedex", "france", "bis", "ter",
            "apt", "suite", "floor", "etage", "bat", "batiment", "residence", "square", "north", "south", "east", "west",
        ].map { Array($0.utf8) })
}
