/// International bank account numbers (ISO 13616): a country code, two check digits and the
/// country's BBAN, written whole or in groups of four, of exactly the country's length, whose
/// mod-97 check is 1.
enum IBAN {
    static func find(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        while i + 4 <= n {
            guard b[i].isLetter, b[i + 1].isLetter, b[i + 2].isDigit, b[i + 3].isDigit, i == 0 || !b[i - 1].isWord,
                let length = lengths[UInt16(b[i]) << 8 | UInt16(b[i + 1])]
            else {
                i += 1
                continue
            }
            if let end = match(b, from: i, length: length) {
                out.append(ScrubMatch(start: i, end: end, label: .kind(.iban)))
                i = end
            } else {
                i += 1
            }
        }
    }

    /// The end of an IBAN of `length` characters starting at `start`, or nil. One space or `-` may
    /// stand between groups of four.
    static func match(_ b: [UInt8], from start: Int, length: Int) -> Int? {
        var chars: [UInt8] = []
        chars.reserveCapacity(length)
        var i = start
        while chars.count < length, i < b.count {
            let c = b[i]
            if c.isDigit || c.isLetter {
                chars.append(c)
                i += 1
            } else if (c == 0x20 || c == UInt8(ascii: "-")), chars.count % 4 == 0, i + 1 < b.count,
                b[i + 1].isDigit || b[i + 1].isLetter
            {
                i += 1
            } else {
                return nil
            }
        }
        guard chars.count == length, i == b.count || !b[i].isWord else { return nil }
        return isValid(chars) ? i : nil
    }

    /// ISO 7064 mod 97-10 over the rearranged characters (letters as 10 to 35).
    static func isValid(_ chars: [UInt8]) -> Bool {
        var remainder = 0
        for c in chars[4...] + chars[..<4] {
            if c.isDigit {
                remainder = (remainder * 10 + Int(c - 0x30)) % 97
            } else {
                remainder = (remainder * 100 + Int(c - 0x61) + 10) % 97
            }
        }
        return remainder == 1
    }

    /// Each country's IBAN length (SWIFT's IBAN registry), by its two lowercase letters.
    static let lengths: [UInt16: Int] = {
        let table: [(String, Int)] = [
            ("ad", 24), ("ae", 23), ("al", 28), ("at", 20), ("az", 28), ("ba", 20), ("be", 16), ("bg", 22), ("bh", 22),
            ("br", 29), ("by", 28), ("ch", 21), ("cr", 22), ("cy", 28), ("cz", 24), ("de", 22), ("dk", 18), ("do", 28),
            ("ee", 20), ("eg", 29), ("es", 24), ("fi", 18), ("fo", 18), ("fr", 27), ("gb", 22), ("ge", 22), ("gi", 23),
            ("gl", 18), ("gr", 27), ("gt", 28), ("hr", 21), ("hu", 28), ("ie", 22), ("il", 23), ("iq", 23), ("is", 26),
            ("it", 27), ("jo", 30), ("kw", 30), ("kz", 20), ("lb", 28), ("lc", 32), ("li", 21), ("lt", 20), ("lu", 20),
            ("lv", 21), ("mc", 27), ("md", 24), ("me", 22), ("mk", 19), ("mr", 27), ("mt", 31), ("mu", 30), ("nl", 18),
            ("no", 15), ("pk", 24), ("pl", 28), ("ps", 29), ("pt", 25), ("qa", 29), ("ro", 24), ("rs", 22), ("sa", 24),
            ("sc", 31), ("se", 24), ("si", 19), ("sk", 24), ("sm", 27), ("st", 25), ("sv", 28), ("tl", 23), ("tn", 24),
            ("tr", 26), ("ua", 29), ("va", 22), ("vg", 24), ("xk", 20),
        ]
        var m: [UInt16: Int] = [:]
        for (cc, n) in table {
            let u = Array(cc.utf8)
            m[UInt16(u[0]) << 8 | UInt16(u[1])] = n
        }
        return m
    }()
}
