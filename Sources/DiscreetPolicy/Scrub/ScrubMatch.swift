/// One identifier found in folded text: units `start..<end`, and what replaces it.
struct ScrubMatch: Equatable {
    enum Label: Equatable {
        case kind(ScrubKind)
        /// The index of a record value (`RecordValues`): its field's category names it.
        case record(Int)
        /// An age over 89, under Safe Harbor.
        case ageOver89
    }

    var start: Int
    var end: Int
    var label: Label

    /// When two matches of one length overlap, the one that ranks higher stays: a record's own
    /// value first (it names what was found more exactly), then identifiers confirmed by a
    /// checksum, then the rest.
    var rank: Int {
        switch label {
        case .record: 20
        case .ageOver89: 1
        case .kind(let k):
            switch k {
            case .iban: 9
            case .card: 8
            case .frNIR: 7
            case .usSSN: 6
            case .email: 5
            case .url: 4
            case .ip: 3
            case .phone: 2
            case .date: 1
            }
        }
    }
}

/// Digits in groups, each group separated from the next by exactly one separator (`4970 1012`,
/// `14/03/2026`, `12.5`): what cards, SSNs and numeric dates are written as. Every group of the
/// text, found in one pass and kept in flat arrays (no allocation per group: a text of a million
/// one-digit groups costs no more than a million digits).
struct DigitGroups {
    let b: [UInt8]
    /// Each group's units, in text order.
    private(set) var groups: [Range<Int>] = []
    /// `joins[i]` is the separator between group `i` and group `i + 1` of the same run, or 0
    /// where a run ends after group `i`.
    private(set) var joins: [UInt8] = []

    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
    }

    init(_ b: [UInt8]) {
        self.b = b
        var i = 0
        let n = b.count
        while i < n {
            guard b[i].isDigit else {
                i += 1
                continue
            }
            let start = i
            while i < n, b[i].isDigit { i += 1 }
            groups.append(start..<i)
            if i + 1 < n, Self.isSeparator(b[i]), b[i + 1].isDigit {
                joins.append(b[i])
                i += 1
            } else {
                joins.append(0)
            }
        }
    }

    var count: Int { groups.count }

    /// Whether group `i` opens its run (no group is joined to it from before).
    func startsRun(_ i: Int) -> Bool { i == 0 || joins[i - 1] == 0 }

    /// The length of group `i`.
    func length(_ i: Int) -> Int { groups[i].count }

    /// Whether groups `from..<to` are one run, joined by one separator character from `allowed`
    /// (any one of them, the same throughout).
    func isJoined(_ from: Int, _ to: Int, by allowed: [UInt8]) -> Bool {
        guard to <= groups.count else { return false }
        guard to - from > 1 else { return true }
        let first = joins[from]
        guard first != 0, allowed.contains(first) else { return false }
        for k in from..<(to - 1) where joins[k] != first { return false }
        return true
    }

    /// Whether groups `from..<to` stand alone: no word character touches them.
    func isOpen(_ from: Int, _ to: Int) -> Bool {
        let s = groups[from].lowerBound
        let e = groups[to - 1].upperBound
        return (s == 0 || !b[s - 1].isWord) && (e == b.count || !b[e].isWord)
    }

    /// The value of group `i` (up to five digits counted).
    func value(_ i: Int) -> Int { Self.value(groups[i], b) }

    /// The value of the digits `r` of `b`, counted while it stays under 100,000 (a longer run is
    /// no day, month or year, and the count never overflows).
    static func value(_ r: Range<Int>, _ b: [UInt8]) -> Int {
        var v = 0
        for k in r where v < 100_000 { v = v * 10 + Int(b[k] - 0x30) }
        return v
    }

    /// The digits of groups `from..<to`, as values 0 to 9.
    func digits(_ from: Int, _ to: Int) -> [UInt8] {
        var out: [UInt8] = []
        for g in groups[from..<to] { for i in g { out.append(b[i] - 0x30) } }
        return out
    }

    func match(_ from: Int, _ to: Int, _ kind: ScrubKind) -> ScrubMatch {
        ScrubMatch(start: groups[from].lowerBound, end: groups[to - 1].upperBound, label: .kind(kind))
    }
}
