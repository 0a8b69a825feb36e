/// A category name or a wildcard over categories, as agreements, consents and restrictions use.
///
/// `*` matches every category; `health.*` matches `health.diagnosis` and `health.lab.result`,
/// but not `health` itself nor `healthcare.x`. Anything else matches only itself.
public struct CategoryPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    /// For `prefix.*`: `prefix.` (the dot kept); nil for `*` and for a plain category.
    private let prefix: String?
    /// `*`.
    private let isAny: Bool

    public init(_ text: String) {
        self.text = text
        self.isAny = text == "*"
        self.prefix = text != "*" && text.hasSuffix(".*") ? String(text.dropLast(1)) : nil
    }

    public var isWildcard: Bool { text == "*" || prefix != nil }

    /// Called for every agreement and consent on every decision, so it compares UTF-8 bytes and
    /// lengths: names and patterns are validated to lowercase ASCII, where bytes and characters
    /// agree, and `String.hasPrefix` and character counts cost many times more.
    public func matches(_ category: String) -> Bool {
        if let prefix { return Self.hasLongerBytePrefix(category, prefix) }
        return isAny || text == category
    }

    /// Whether `s` is longer than `prefix` and starts with its bytes.
    static func hasLongerBytePrefix(_ s: String, _ prefix: String) -> Bool {
        let n = prefix.utf8.count
        guard s.utf8.count > n else { return false }
        let fast = s.utf8.withContiguousStorageIfAvailable { a in
            prefix.utf8.withContiguousStorageIfAvailable { b in
                var i = 0
                while i < n {
                    if a[i] != b[i] { return false }
                    i += 1
                }
                return true
            }
        }
        return (fast ?? nil) ?? s.utf8.starts(with: prefix.utf8)
    }

    public static func == (a: CategoryPattern, b: CategoryPattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether the pattern is well formed: a dotted name, optionally ending in `.*`, or `*`.
    public var isWellFormed: Bool {
        if text == "*" { return true }
        let name = text.hasSuffix(".*") ? String(text.dropLast(2)) : text
        return CategoryPattern.isValidName(name)
    }

    /// A category name: dot-separated segments of lowercase letters, digits, `_` and `-`.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { seg in
            !seg.isEmpty
                && seg.utf8.allSatisfy { b in
                    (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
                }
        }
    }

    public var description: String { text }
}
