/// Chooses a representation from an `Accept` header (RFC 9110 12.5.1): each offered media type
/// takes the weight of the most specific range that matches it (`text/csv` over `text/*` over
/// `*/*`); the heaviest wins, the first offered on a tie. No header, or an empty one, takes the
/// first offered; a weight of 0 refuses.
enum ContentNegotiation {
    /// The chosen one of `offered` (lower-case `type/subtype`), or nil when none is acceptable.
    static func choose(_ accept: String?, from offered: [String]) -> String? {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return offered.first }
        var ranges: [(pattern: String, q: Double, specificity: Int)] = []
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let pattern = parts.first, !pattern.isEmpty else { continue }
            var q = 1.0
            for p in parts.dropFirst() where p.hasPrefix("q=") { q = Double(p.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0 }
            ranges.append((pattern, q, pattern == "*/*" ? 0 : pattern.hasSuffix("/*") ? 1 : 2))
        }
        var best: (media: String, q: Double)?
        for media in offered {
            guard let range = ranges.filter({ matches($0.pattern, media) }).max(by: { $0.specificity < $1.specificity }),
                range.q > 0
            else { continue }
            if best == nil || range.q > best!.q { best = (media, range.q) }
        }
        return best?.media
    }

    static func matches(_ pattern: String, _ media: String) -> Bool {
        if pattern == "*/*" { return true }
        if pattern.hasSuffix("/*") { return media.hasPrefix(pattern.dropLast()) }
        return pattern == media
    }
}
