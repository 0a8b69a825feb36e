/// Dates as people write them in English and French: `14/03/2026`, `03/14/2026`, `2026-03-14`,
/// `14.03.26`, `03/2026`, `March 14, 2026`, `14th of March`, `14 mars 2026`, `1er mars`,
/// `le 3 janv.`, `mars 2026`. Each must be a real calendar day (a month name needs a day or a year
/// beside it, so "may" and "mars" alone stay). Each found date keeps the days it can mean, so that
/// a record's birth date is recognised however the note writes it.
struct FoundDate {
    var start: Int
    var end: Int
    /// Every reading: `(year, month, day)`, year or day nil when not written.
    var readings: [(year: Int?, month: Int, day: Int?)]
}

enum WrittenDate {
    static func find(groups: DigitGroups, in b: [UInt8]) -> [FoundDate] {
        var out: [FoundDate] = []
        numeric(groups, into: &out)
        named(b, into: &out)
        return out
    }

    // MARK: Numeric

    static func numeric(_ g: DigitGroups, into out: inout [FoundDate]) {
        var from = 0
        while from < g.count {
            let l0 = g.length(from)
            guard l0 <= 2 || l0 == 4 else {
                from += 1
                continue
            }
            if from + 3 <= g.count, g.isJoined(from, from + 3, by: separators),
                g.isOpen(from, from + 3)
            {
                let l1 = g.length(from + 1)
                let l2 = g.length(from + 2)
                let v0 = g.value(from)
                let v1 = g.value(from + 1)
                let v2 = g.value(from + 2)
                var readings: [(year: Int?, month: Int, day: Int?)] = []
                if l0 == 4, l1 <= 2, l2 <= 2, let y = year(v0, digits: 4) {
                    if isDay(y, v1, v2) { readings.append((y, v1, v2)) }
                } else if l0 <= 2, l1 <= 2, l2 == 4 || (l2 == 2 && g.joins[from] != UInt8(ascii: "-")),
                    let y = year(v2, digits: l2)
                {
                    if isDay(y, v1, v0) { readings.append((y, v1, v0)) }
                    if isDay(y, v0, v1), v0 != v1 { readings.append((y, v0, v1)) }
                }
                if !readings.isEmpty {
                    out.append(
                        FoundDate(start: g.groups[from].lowerBound, end: g.groups[from + 2].upperBound, readings: readings))
                    from += 3
                    continue
                }
            }
            // 03/2026: a month and its year, alone (not the end of a day that is not one).
            let slash = UInt8(ascii: "/")
            let alone =
                (from == 0 || g.joins[from - 1] != slash) && from + 1 < g.count
                && (from + 2 == g.count || g.joins[from + 1] != slash)
            if alone, l0 == 2, g.length(from + 1) == 4, g.joins[from] == UInt8(ascii: "/"), g.isOpen(from, from + 2) {
                let m = g.value(from)
                if (1...12).contains(m), let y = year(g.value(from + 1), digits: 4) {
                    out.append(
                        FoundDate(start: g.groups[from].lowerBound, end: g.groups[from + 1].upperBound, readings: [(y, m, nil)]))
                    from += 2
                    continue
                }
            }
            from += 1
        }
    }

    static let separators: [UInt8] = [UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: ".")]

    /// A written year: four digits from 1800 to 2199, or two (19xx before 30, else 20xx… read as
    /// both would be guesswork, so two-digit years count as 20xx for 00 to 49 and 19xx after).
    static func year(_ v: Int, digits: Int) -> Int? {
        if digits == 4 { return (1800...2199).contains(v) ? v : nil }
        if digits == 2 { return v < 50 ? 2000 + v : 1900 + v }
        return nil
    }

    static func isDay(_ y: Int?, _ m: Int, _ d: Int) -> Bool {
        guard (1...12).contains(m), d >= 1 else { return false }
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        if m == 2, let y, d == 29 { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
        return d <= days
    }

    // MARK: Named months

    static func named(_ b: [UInt8], into out: inout [FoundDate]) {
        let n = b.count
        var i = 0
        while i < n {
            guard b[i].isLetter, i == 0 || !b[i - 1].isWord else {
                i += 1
                continue
            }
            var j = i
            while j < n, b[j].isLetter, j - i <= 9 { j += 1 }
            guard j - i >= 3, j - i <= 9, j == n || !b[j].isWord, let (month, abbreviated) = months[Array(b[i..<j])] else {
                while i < n, b[i].isWord { i += 1 }
                continue
            }
            var end = j
            if abbreviated, end < n, b[end] == UInt8(ascii: ".") { end += 1 }
            var start = i
            var day: Int?
            // Before: "14 ", "14th of ", "1er ".
            if let (d, s) = dayBefore(b, i) {
                day = d
                start = s
            }
            // After: " 14", " 14th", ",".
            var k = end
            if day == nil, let (d, e) = dayAfter(b, end) {
                day = d
                end = e
                k = e
            }
            var year: Int?
            if let (y, e) = yearAfter(b, k) {
                year = y
                end = e
            }
            if day != nil || year != nil, day.map({ isDay(year, month, $0) }) ?? true {
                out.append(FoundDate(start: start, end: end, readings: [(year, month, day)]))
                i = end
            } else {
                i = j
            }
        }
    }

    /// A day written before a month's name at `monthStart`: `14 `, `14th of `, `1er `, `3-`.
    static func dayBefore(_ b: [UInt8], _ monthStart: Int) -> (Int, Int)? {
        var k = monthStart
        guard k > 0, b[k - 1] == 0x20 || b[k - 1] == UInt8(ascii: "-") else { return nil }
        k -= 1
        // "of " (14th of March).
        if k >= 3, b[k - 1] == UInt8(ascii: "f"), b[k - 2] == UInt8(ascii: "o"), b[k - 3] == 0x20 { k -= 3 }
        // An ordinal suffix.
        var suffixStart = k
        while suffixStart > 0, b[suffixStart - 1].isLetter, k - suffixStart < 2 { suffixStart -= 1 }
        let suffix = Array(b[suffixStart..<k])
        if !suffix.isEmpty, !ordinalSuffixes.contains(suffix) { return nil }
        var digitStart = suffixStart
        while digitStart > 0, b[digitStart - 1].isDigit, suffixStart - digitStart < 3 { digitStart -= 1 }
        let length = suffixStart - digitStart
        // Not the end of a number in groups (the 26 of 14.03.26).
        guard length == 1 || length == 2, digitStart == 0 || !(b[digitStart - 1].isWord || isJoin(b[digitStart - 1])) else {
            return nil
        }
        let d = DigitGroups.value(digitStart..<suffixStart, b)
        return (1...31).contains(d) ? (d, digitStart) : nil
    }

    static func isJoin(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ".") || c == UInt8(ascii: "/") || c == UInt8(ascii: "-") || c == UInt8(ascii: ",")
    }

    /// A day written after a month's name: ` 14`, ` 14th`, ` 1st`, then an optional `,`.
    static func dayAfter(_ b: [UInt8], _ monthEnd: Int) -> (Int, Int)? {
        var k = monthEnd
        guard k < b.count, b[k] == 0x20 else { return nil }
        k += 1
        let digitStart = k
        while k < b.count, b[k].isDigit, k - digitStart < 3 { k += 1 }
        let length = k - digitStart
        guard length == 1 || length == 2 else { return nil }
        let d = DigitGroups.value(digitStart..<k, b)
        var e = k
        while e < b.count, b[e].isLetter, e - k < 2 { e += 1 }
        if e > k, !ordinalSuffixes.contains(Array(b[k..<e])) { return nil }
        guard e == b.count || !b[e].isWord, (1...31).contains(d) else { return nil }
        return (d, e)
    }

    /// A four-digit year after a day or month: ` 2026`, `, 2026`.
    static func yearAfter(_ b: [UInt8], _ at: Int) -> (Int, Int)? {
        var k = at
        if k < b.count, b[k] == UInt8(ascii: ",") { k += 1 }
        guard k < b.count, b[k] == 0x20 else { return nil }
        k += 1
        let s = k
        while k < b.count, b[k].isDigit, k - s < 5 { k += 1 }
        guard k - s == 4, k == b.count || !b[k].isWord, let y = year(DigitGroups.value(s..<k, b), digits: 4) else {
            return nil
        }
        return (y, k)
    }

    static let ordinalSuffixes: Set<[UInt8]> = Set(["st", "nd", "rd", "th", "er", "e"].map { Array($0.utf8) })

    /// Month names and abbreviations, English and French, accents folded away.
    static let months: [[UInt8]: (Int, Bool)] = {
        let full: [(String, Int)] = [
            ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6), ("july", 7),
            ("august", 8), ("september", 9), ("october", 10), ("november", 11), ("december", 12), ("janvier", 1),
            ("fevrier", 2), ("mars", 3), ("avril", 4), ("mai", 5), ("juin", 6), ("juillet", 7), ("aout", 8),
            ("septembre", 9), ("octobre", 10), ("novembre", 11), ("decembre", 12),
        ]
        let short: [(String, Int)] = [
            ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9),
            ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12), ("janv", 1), ("fev", 2), ("fevr", 2), ("avr", 4),
            ("juil", 7),
        ]
        var m: [[UInt8]: (Int, Bool)] = [:]
        for (name, month) in full { m[Array(name.utf8)] = (month, false) }
        for (name, month) in short { m[Array(name.utf8)] = (month, true) }
        return m
    }()
}
