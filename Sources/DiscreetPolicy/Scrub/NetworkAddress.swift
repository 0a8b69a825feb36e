/// E-mail addresses, URLs and IP addresses.
enum NetworkAddress {
    // MARK: E-mail

    /// `local@domain.tld`: a local part of up to 64 characters, a domain of dotted labels whose
    /// last is two letters or more. Each `@` is looked at once, leftwards and rightwards, and
    /// neither side crosses another `@`: linear in the text.
    static func emails(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var lastEnd = 0
        for at in 0..<n where b[at] == UInt8(ascii: "@") {
            var s = at
            while s > lastEnd, at - s < 64, isLocal(b[s - 1]) { s -= 1 }
            while s < at, b[s] == UInt8(ascii: ".") { s += 1 }
            guard s < at, s == 0 || !b[s - 1].isWord || at - s == 64 else { continue }
            var e = at + 1
            while e < n, e - at <= 255, isDomain(b[e]) { e += 1 }
            while e > at + 1, b[e - 1] == UInt8(ascii: ".") || b[e - 1] == UInt8(ascii: "-") { e -= 1 }
            guard isHostName(b[(at + 1)..<e]) else { continue }
            out.append(ScrubMatch(start: s, end: e, label: .kind(.email)))
            lastEnd = e
        }
    }

    static func isLocal(_ c: UInt8) -> Bool {
        c.isWord || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "'")
    }

    static func isDomain(_ c: UInt8) -> Bool { c.isWord || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") }

    /// Dotted labels, none empty, the last two letters or more.
    static func isHostName(_ h: ArraySlice<UInt8>) -> Bool {
        guard let lastDot = h.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let tld = h[(lastDot + 1)...]
        guard tld.count >= 2, tld.allSatisfy({ $0.isLetter || $0 == FoldedText.other }) else { return false }
        var previous = UInt8(ascii: ".")
        for c in h {
            if c == UInt8(ascii: "."), previous == UInt8(ascii: ".") || previous == UInt8(ascii: "-") { return false }
            previous = c
        }
        return h.first != UInt8(ascii: ".") && h.first != UInt8(ascii: "-")
    }

    // MARK: URL

    static let schemes: [[UInt8]] = ["https://", "http://", "ftp://", "www."].map { Array($0.utf8) }

    /// `http(s)://…`, `ftp://…` or `www.…`, to the first space, quote or angle bracket, less
    /// trailing punctuation.
    static func urls(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        while i < n {
            guard b[i] == UInt8(ascii: "h") || b[i] == UInt8(ascii: "f") || b[i] == UInt8(ascii: "w"), i == 0 || !b[i - 1].isWord,
                let scheme = schemes.first(where: { i + $0.count < n && b[i..<(i + $0.count)].elementsEqual($0) })
            else {
                i += 1
                continue
            }
            var e = i + scheme.count
            while e < n, isURL(b[e]) { e += 1 }
            while e > i + scheme.count, isTrailing(b[e - 1]) { e -= 1 }
            guard e > i + scheme.count, b[i + scheme.count].isWord else {
                i += scheme.count
                continue
            }
            out.append(ScrubMatch(start: i, end: e, label: .kind(.url)))
            i = e
        }
    }

    static func isURL(_ c: UInt8) -> Bool {
        c > 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "<") && c != UInt8(ascii: ">") && c != UInt8(ascii: "'")
            && c != 0x7F && c != FoldedText.symbol
    }

    static func isTrailing(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: ":")
            || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ")") || c == UInt8(ascii: "]")
    }

    // MARK: IP

    /// IPv4 dotted quads (each part 0 to 255) and IPv6 in its text forms (RFC 4291 §2.2, with at
    /// least one digit, so that a word like `cafe::bad` is not taken for one).
    static func ips(in b: [UInt8], into out: inout [ScrubMatch]) {
        let n = b.count
        var i = 0
        while i < n {
            guard isHex(b[i]) || b[i] == UInt8(ascii: ":"), i == 0 || !(b[i - 1].isWord || b[i - 1] == UInt8(ascii: ":")) else {
                i += 1
                continue
            }
            var e = i
            while e < n, isHex(b[e]) || b[e] == UInt8(ascii: ":") || b[e] == UInt8(ascii: ".") { e += 1 }
            var end = e
            while end > i, b[end - 1] == UInt8(ascii: ".") { end -= 1 }
            if end == n || !b[end].isWord, end - i <= 45, end - i >= 3 {
                let token = b[i..<end]
                if isIPv4(token) || isIPv6(token) { out.append(ScrubMatch(start: i, end: end, label: .kind(.ip))) }
            }
            i = max(e, i + 1)
        }
    }

    static func isHex(_ c: UInt8) -> Bool { c.isDigit || (c >= 0x61 && c <= 0x66) }

    static func isIPv4(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.count >= 7, t.count <= 15 else { return false }
        let parts = t.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard (1...3).contains(p.count), p.allSatisfy(\.isDigit) else { return false }
            return p.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
        }
    }

    static func isIPv6(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.contains(UInt8(ascii: ":")), t.contains(where: \.isDigit) else { return false }
        var text = Array(t)
        var groupsFromV4 = 0
        // An IPv4 tail (::ffff:192.0.2.1) counts as two groups.
        if let lastColon = text.lastIndex(of: UInt8(ascii: ":")), text[(lastColon + 1)...].contains(UInt8(ascii: ".")) {
            guard isIPv4(text[(lastColon + 1)...]) else { return false }
            text = Array(text[...lastColon]) + [0x30]
            groupsFromV4 = 1
        }
        guard !text.contains(UInt8(ascii: ".")) else { return false }
        let doubleColons = zip(text, text.dropFirst()).filter { $0 == UInt8(ascii: ":") && $1 == UInt8(ascii: ":") }.count
        guard doubleColons <= 1 else { return false }
        let groups = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: true)
        guard groups.allSatisfy({ (1...4).contains($0.count) }) else { return false }
        let count = groups.count + groupsFromV4
        if doubleColons == 1 {
            // "::" may open or close; a single ":" may not.
            if text.first == UInt8(ascii: ":"), text.count > 1, text[1] != UInt8(ascii: ":") { return false }
            if text.last == UInt8(ascii: ":"), text.count > 1, text[text.count - 2] != UInt8(ascii: ":") { return false }
            return count <= 7 && count >= 1
        }
        return count == 8 && text.first != UInt8(ascii: ":") && text.last != UInt8(ascii: ":")
    }
}
