/// Telephone numbers: international (`+33 6 12 34 56 78`, `0044 20 7946 0958`, `+44 (0)20 …`) with
/// a country code the ITU assigns and a national number of that country's length, and the national
/// forms of France (`06 12 34 56 78`), the United States (`(415) 555-2671`), the United Kingdom
/// (`020 7946 0958`, `07700 900123`) and Germany (`030 12345678`, `(0151) 2345 6789`), each by its
/// digit count and the groups people write it in.
enum PhoneNumber {
    struct Candidate {
        var international = false
        var trunkZero = false
        var parenthesizedFirst = false
        var groups: [Range<Int>] = []
        var digits: [UInt8] = []
        var groupEnds: [Int] = []  // digits count at the end of each group
    }

    static func find(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        // One candidate's storage, reused from each start to the next.
        var candidate = Candidate()
        candidate.digits.reserveCapacity(17)
        candidate.groups.reserveCapacity(9)
        candidate.groupEnds.reserveCapacity(9)
        while i < n {
            let c = b[i]
            let opens = c == UInt8(ascii: "+") || c == UInt8(ascii: "(") || c.isDigit
            // Not the middle of a number in groups (the 0042 3458 of an account number).
            let continues = i >= 2 && DigitGroups.isSeparator(b[i - 1]) && b[i - 2].isDigit
            guard opens, i == 0 || isOpenBefore(b[i - 1]), !continues, i + 1 < n || c.isDigit else {
                i += 1
                continue
            }
            if parse(b, from: i, into: &candidate), let end = longestValid(candidate, b) {
                out.append(ScrubMatch(start: i, end: end, label: .kind(.phone)))
                i = end
            } else {
                i += 1
            }
        }
    }

    /// A `(` before a digit may open a number that is not an area code in brackets: `(07 81 22 90 13)`.
    static func isOpenBefore(_ p: UInt8) -> Bool {
        !p.isWord && p != UInt8(ascii: "+") && p != UInt8(ascii: "-") && p != UInt8(ascii: ".") && p != UInt8(ascii: "/")
    }

    /// Digits in groups from `start`, with at most two separators between groups, up to 15 digits;
    /// false when no digit follows.
    static func parse(_ b: [UInt8], from start: Int, into c: inout Candidate) -> Bool {
        c.international = false
        c.trunkZero = false
        c.parenthesizedFirst = false
        c.groups.removeAll(keepingCapacity: true)
        c.digits.removeAll(keepingCapacity: true)
        c.groupEnds.removeAll(keepingCapacity: true)
        var i = start
        let n = b.count
        if b[i] == UInt8(ascii: "+") {
            c.international = true
            i += 1
        }
        if i < n, b[i] == UInt8(ascii: "(") {
            c.parenthesizedFirst = !c.international
            i += 1
        }
        guard i < n, b[i].isDigit else { return false }
        // No phone is written in more than eight groups; more would only cost time.
        while i < n, c.digits.count <= 15, c.groups.count < 8 {
            let g = i
            while i < n, b[i].isDigit, c.digits.count <= 15 {
                c.digits.append(b[i] - 0x30)
                i += 1
            }
            c.groups.append(g..<i)
            c.groupEnds.append(c.digits.count)
            // "(0)" after a country code: the trunk prefix, not dialled from abroad.
            var j = i
            var separators = 0
            while j < n, separators < 3, isSeparator(b[j]) {
                if c.international, c.groups.count == 1, !c.trunkZero, j + 2 < n, b[j] == UInt8(ascii: "("),
                    b[j + 1] == 0x30, b[j + 2] == UInt8(ascii: ")")
                {
                    c.trunkZero = true
                    j += 3
                    continue
                }
                j += 1
                separators += 1
            }
            guard j > i, j < n, b[j].isDigit, separators <= 2 || c.trunkZero else { break }
            i = j
        }
        return true
    }

    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/") || b == UInt8(ascii: "(")
            || b == UInt8(ascii: ")")
    }

    /// The end of the longest run of whole groups that is a valid number and ends the word.
    static func longestValid(_ c: Candidate, _ b: [UInt8]) -> Int? {
        var k = c.groups.count
        while k > 0 {
            let end = c.groups[k - 1].upperBound
            let closesParen = end < b.count && b[end] == UInt8(ascii: ")") && c.parenthesizedFirst && k == 1
            if !closesParen, end == b.count || !b[end].isWord,
                isValid(c, groups: k)
            {
                return end
            }
            k -= 1
        }
        return nil
    }

    static func isValid(_ c: Candidate, groups k: Int) -> Bool {
        let count = c.groupEnds[k - 1]
        // Nothing shorter than 8 digits or longer than 15 is a number of any kind below.
        guard count >= 8, count <= 15 else { return false }
        let digits = c.digits[0..<count]
        if c.international { return isInternational(digits) }
        if digits[0] == 0, digits[1] == 0, !c.parenthesizedFirst { return isInternational(digits.dropFirst(2)) }
        let lengths = (0..<k).map { c.groupEnds[$0] - ($0 == 0 ? 0 : c.groupEnds[$0 - 1]) }
        return isNational(digits, lengths: lengths, parenthesized: c.parenthesizedFirst)
    }

    /// Country code and national number, from the digits after `+` or `00`.
    static func isInternational(_ d: ArraySlice<UInt8>) -> Bool {
        guard d.count >= 8, d.count <= 15, d.first != 0 else { return false }
        guard let ccLength = countryCodeLength(d) else { return false }
        let national = d.dropFirst(ccLength)
        guard national.first != 0 else { return false }
        switch d.prefix(ccLength).reduce(0, { $0 * 10 + Int($1) }) {
        case 1: return national.count == 10 && isNANP(national)
        case 33: return national.count == 9
        case 44: return national.count == 9 || national.count == 10
        case 49: return (6...13).contains(national.count)
        default: return national.count >= 6
        }
    }

    /// NXX NXX XXXX, N from 2 to 9.
    static func isNANP(_ d: ArraySlice<UInt8>) -> Bool {
        d.count == 10 && d[d.startIndex] >= 2 && d[d.startIndex + 3] >= 2
    }

    static func isNational(_ d: ArraySlice<UInt8>, lengths: [Int], parenthesized: Bool) -> Bool {
        let s = d.startIndex
        if d[s] == 0 {
            guard d[s + 1] != 0 else { return false }
            // France: ten digits, in pairs or whole.
            if d.count == 10, !parenthesized, lengths == [10] || lengths == [2, 2, 2, 2, 2] { return true }
            // United Kingdom: eleven digits in its usual groups.
            if d.count == 11, [[11], [3, 4, 4], [5, 6], [4, 3, 4], [5, 3, 3], [4, 7], [3, 8], [6, 5]].contains(lengths) {
                return true
            }
            // Germany: an area code of 3 to 6 digits with its 0 (02 to 09, or 015 to 017 for
            // mobiles), then the subscriber's in one or two groups; 10 to 12 digits in all.
            if (10...12).contains(d.count), (2...3).contains(lengths.count), (3...6).contains(lengths[0]),
                d[s + 1] >= 2 || (d[s + 1] == 1 && (5...7).contains(d[s + 2])),
                lengths.dropFirst().allSatisfy({ $0 >= 2 })
            {
                return true
            }
            return false
        }
        // United States: (415) 555-2671, 415-555-2671, 1 415 555 2671.
        if d.count == 10, lengths == [3, 3, 4] { return isNANP(d) }
        if d.count == 11, d[s] == 1, lengths == [1, 3, 3, 4], !parenthesized { return isNANP(d.dropFirst()) }
        return false
    }

    /// The length of the ITU country code these digits begin with, or nil.
    static func countryCodeLength(_ d: ArraySlice<UInt8>) -> Int? {
        let s = d.startIndex
        guard d.count >= 3 else { return nil }
        let one = Int(d[s])
        if one == 1 || one == 7 { return 1 }
        let two = one * 10 + Int(d[s + 1])
        if twoDigitCodes.contains(two) { return 2 }
        let three = two * 10 + Int(d[s + 2])
        return threeDigitCodes.contains(where: { $0.contains(three) }) ? 3 : nil
    }

    static let twoDigitCodes: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62,
        63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]
    static let threeDigitCodes: [ClosedRange<Int>] = [
        211...212, 213...213, 216...216, 218...218, 220...258, 260...269, 290...291, 297...299, 350...359, 370...382,
        385...387, 389...389, 420...421, 423...423, 500...509, 590...599, 670...683, 685...692, 850...850, 852...853,
        855...856, 880...880, 886...886, 960...968, 970...977, 992...996, 998...998,
    ]
}
