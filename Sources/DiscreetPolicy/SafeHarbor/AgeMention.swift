/// Ages over 89 written in free text (`93-year-old`, `aged 91`, `age: 95`, `92 yo`, `94 ans`,
/// `âgée de 96 ans`): Safe Harbor keeps none of them (164.514(b)(2)(i)(C)); the number becomes
/// "90 or older". Only under `deidentify: safe-harbor`; other ages stay.
enum AgeMention {
    static func find(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        while i < n {
            guard b[i].isDigit, i == 0 || !b[i - 1].isWord else {
                i += 1
                continue
            }
            var e = i
            var value = 0
            while e < n, b[e].isDigit, e - i < 4 {
                value = value * 10 + Int(b[e] - 0x30)
                e += 1
            }
            if (2...3).contains(e - i), e == n || !b[e].isDigit, (90...130).contains(value),
                hasUnitAfter(b, e) || hasCueBefore(b, i)
            {
                out.append(ScrubMatch(start: i, end: e, label: .ageOver89))
            }
            i = max(e, i + 1)
        }
    }

    /// ` years old`, `-year-old`, ` yrs`, ` yo`, ` y/o`, ` ans`.
    static func hasUnitAfter(_ b: [UInt8], _ e: Int) -> Bool {
        var k = e
        if k < b.count, b[k] == 0x20 || b[k] == UInt8(ascii: "-") { k += 1 }
        var w = k
        while w < b.count, b[w].isLetter || b[w] == UInt8(ascii: "/") { w += 1 }
        guard w == b.count || !b[w].isWord else { return false }
        return units.contains(Array(b[k..<w]))
    }

    /// `aged `, `age `, `age: `, `âgé de `, `âgée de `.
    static func hasCueBefore(_ b: [UInt8], _ i: Int) -> Bool {
        var w = WordBefore(b, i)
        // "âgée de 96 ans": the word before "de".
        if w.is("de") { w = WordBefore(b, w.start) }
        return cues.contains(Array(w.word))
    }

    static let units: Set<[UInt8]> = Set(
        ["year", "years", "yr", "yrs", "yo", "y/o", "ans", "an", "year-old", "years-old"].map { Array($0.utf8) })
    static let cues: Set<[UInt8]> = Set(["aged", "age", "agee", "ages", "agees"].map { Array($0.utf8) })
}
