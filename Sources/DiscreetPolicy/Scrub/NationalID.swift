/// US Social Security numbers: `123-45-6789`, `123 45 6789`, or nine digits whole when the text
/// names them ("SSN", "social security"). The SSA never issues area 000, 666 or 900 to 999, group
/// 00 or serial 0000: such a number stays (so does a date written like one).
enum SocialSecurityNumber {
    static func find(in g: DigitGroups, into out: inout [ScrubMatch]) {
        for from in 0..<g.count where g.startsRun(from) {
            let first = g.length(from)
            if first == 3, from + 3 <= g.count, g.length(from + 1) == 2, g.length(from + 2) == 4,
                g.isJoined(from, from + 3, by: separators), g.isOpen(from, from + 3)
            {
                let d = g.digits(from, from + 3)
                if isValid(d) { out.append(g.match(from, from + 3, .usSSN)) }
            }
            if first == 9, g.isOpen(from, from + 1), isValid(g.digits(from, from + 1)),
                isNamed(before: g.groups[from].lowerBound, in: g.b)
            {
                out.append(g.match(from, from + 1, .usSSN))
            }
        }
    }

    static let separators: [UInt8] = [UInt8(ascii: "-"), 0x20, UInt8(ascii: ".")]

    static func isValid(_ d: [UInt8]) -> Bool {
        guard d.count == 9 else { return false }
        let area = Int(d[0]) * 100 + Int(d[1]) * 10 + Int(d[2])
        let group = Int(d[3]) * 10 + Int(d[4])
        let serial = d[5...].reduce(0) { $0 * 10 + Int($1) }
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// Whether the words just before `i` name an SSN: `SSN 536221234`, `SSN: …`, `SS# …`,
    /// `social security number …`, `SSN no. …`. Only the words right before count, so that what
    /// is replaced elsewhere in the text never changes the answer.
    static func isNamed(before i: Int, in b: [UInt8]) -> Bool {
        var w = WordBefore(b, i)
        if fillers.contains(Array(w.word)) { w = WordBefore(b, w.start) }
        // `[US-SSN]` names what was removed before, not this number.
        if w.after == UInt8(ascii: "]") { return false }
        return w.is("ssn") || w.is("security") || (w.is("ss") && w.after == UInt8(ascii: "#"))
    }

    static let fillers: Set<[UInt8]> = Set(["number", "no", "num", "nr", "is", "n"].map { Array($0.utf8) })
}

/// French social security numbers (NIR): sex, year, month, department (`2A` and `2B` for Corsica),
/// commune, order and a two-digit key, 15 characters written whole or in their usual groups
/// (`1 85 05 78 006 084 36`). The key must be 97 − (the 13 digits mod 97), Corsica's `2A` and `2B`
/// counted as 19 and 18.
enum FrenchNIR {
    static func find(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        var chars: [UInt8] = []
        chars.reserveCapacity(15)
        while i < n {
            let c = b[i]
            guard c.isDigit, i == 0 || !b[i - 1].isWord,
                c == 0x31 || c == 0x32 || c == 0x33 || c == 0x34 || c == 0x37 || c == 0x38
            else {
                i += 1
                continue
            }
            if let end = match(b, from: i, &chars) {
                out.append(ScrubMatch(start: i, end: end, label: .kind(.frNIR)))
                i = end
            } else {
                i += 1
            }
        }
    }

    /// Where a NIR starting at `start` ends, or nil. One space, `.` or `-` may stand between its
    /// groups (sex, year, month, department, commune, order, key: 1 85 05 78 006 084 91), or
    /// between the thirteen digits and the key; `a` and `b` only as the department's second.
    static func match(_ b: [UInt8], from start: Int, _ chars: inout [UInt8]) -> Int? {
        chars.removeAll(keepingCapacity: true)
        var i = start
        while chars.count < 15, i < b.count {
            let c = b[i]
            if c.isDigit || (chars.count == 6 && chars[5] == 0x32 && (c == 0x61 || c == 0x62)) {
                chars.append(c)
                i += 1
            } else if groupEnds.contains(chars.count), c == 0x20 || c == UInt8(ascii: ".") || c == UInt8(ascii: "-"),
                i + 1 < b.count,
                b[i + 1].isDigit || b[i + 1] == 0x61 || b[i + 1] == 0x62
            {
                i += 1
            } else {
                return nil
            }
        }
        guard chars.count == 15, i == b.count || !b[i].isWord else { return nil }
        return isValid(chars) ? i : nil
    }

    /// Where a separator may follow, in characters read.
    static let groupEnds = [1, 3, 5, 7, 10, 13]

    static func isValid(_ chars: [UInt8]) -> Bool {
        let month = Int(chars[3] - 0x30) * 10 + Int(chars[4] - 0x30)
        guard (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month) else { return false }
        var number = 0
        for (k, c) in chars.prefix(13).enumerated() {
            var v = Int(c) - 0x30
            if k == 6, c == 0x61 || c == 0x62 {
                // 2A is counted as 19 and 2B as 18: the department's digits become 1 and 9 or 8.
                number = (number - 2) + 1  // the '2' already added becomes '1'
                v = c == 0x61 ? 9 : 8
            }
            guard (0...9).contains(v) else { return false }
            number = number * 10 + v
        }
        let key = Int(chars[13] - 0x30) * 10 + Int(chars[14] - 0x30)
        return key == 97 - number % 97
    }
}
