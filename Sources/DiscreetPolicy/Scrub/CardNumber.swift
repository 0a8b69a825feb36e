/// Payment card numbers: 13 to 19 digits written whole or in the groups printed on cards, whose
/// issuer prefix allows that length, and whose Luhn check digit is right. An order number of card
/// length fails one of the three and stays; so do four groups in the middle of a longer number
/// (an IBAN whose key is wrong).
enum CardNumber {
    static func find(in g: DigitGroups, into out: inout [ScrubMatch]) {
        for from in 0..<g.count where g.startsRun(from) {
            // A card in groups opens with four digits; whole, it is one group of 13 to 19.
            let first = g.length(from)
            if (13...19).contains(first), g.isOpen(from, from + 1), isValid(g.digits(from, from + 1)) {
                out.append(g.match(from, from + 1, .card))
            }
            guard first == 4 else { continue }
            var total = 4
            var to = from + 1
            // Fours, the last group 1 to 4; or American Express's and Diners Club's 4-6-5 and 4-6-4.
            while to < g.count, g.isJoined(from, to + 1, by: separators) {
                let l = g.length(to)
                total += l
                to += 1
                if total > 19 { break }
                let fours = l <= 4 && (from + 1..<to - 1).allSatisfy { g.length($0) == 4 }
                let sixFirst = to - from == 3 && g.length(from + 1) == 6 && (l == 5 || l == 4)
                if total >= 13, fours || sixFirst, g.isOpen(from, to), isValid(g.digits(from, to)) {
                    out.append(g.match(from, to, .card))
                }
                guard l == 4 || (to - from == 2 && l == 6) else { break }
            }
        }
    }

    static let separators: [UInt8] = [0x20, UInt8(ascii: "-")]

    static func isValid(_ digits: [UInt8]) -> Bool { issuerAllows(digits) && luhn(digits) }

    /// The Luhn (mod 10) check over digits 0 to 9.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            let v = Int(d)
            sum += k % 2 == 1 ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v
        }
        return sum % 10 == 0
    }

    /// Whether a known issuer's prefix range allows this many digits.
    static func issuerAllows(_ d: [UInt8]) -> Bool {
        func prefix(_ k: Int) -> Int { d.prefix(k).reduce(0) { $0 * 10 + Int($1) } }
        let n = d.count
        let p1 = prefix(1)
        let p2 = prefix(2)
        let p3 = prefix(3)
        let p4 = prefix(4)
        let p6 = prefix(6)
        if p1 == 4 { return n == 13 || n == 16 || n == 19 }  // Visa
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return n == 16 }  // Mastercard
        if p2 == 34 || p2 == 37 { return n == 15 }  // American Express
        if (2200...2204).contains(p4) { return (16...19).contains(n) }  // Mir
        if p4 == 6011 || (644...649).contains(p3) || p2 == 65 || (622126...622925).contains(p6) {
            return (16...19).contains(n)  // Discover
        }
        if (3528...3589).contains(p4) { return (16...19).contains(n) }  // JCB
        if (300...305).contains(p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39 {
            return (14...19).contains(n)  // Diners Club
        }
        if p2 == 62 { return (16...19).contains(n) }  // UnionPay
        if [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].contains(p4) { return (13...19).contains(n) }  // Maestro
        return false
    }
}
