/// The shape of a record the professional sends: field paths mapped to categories.
///
/// Paths are dotted (`address.city`); `[]` stands for every element of an array
/// (`treatments[].code`, or `phones[]` for an array of scalars).
public struct RecordType: Sendable, Equatable {
    public var name: String
    /// Path pattern to category.
    public var fields: [String: String]
    /// Every proper prefix of a mapped path, so a walk knows where to descend.
    public let interiorPaths: Set<String>

    public init(name: String, fields: [String: String]) {
        self.name = name
        self.fields = fields
        var interior = Set<String>()
        for path in fields.keys {
            var current = ""
            for (i, seg) in FieldPath.segments(of: path).enumerated() {
                if i > 0 && !seg.hasPrefix("[") { current += "." }
                current += seg
                if current != path { interior.insert(current) }
            }
        }
        self.interiorPaths = interior
    }
}

/// Helpers for field path patterns.
public enum FieldPath {
    /// `a.b[].c` → `["a", "b", "[]", "c"]`.
    public static func segments(of path: String) -> [String] {
        var out: [String] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var arrays = 0
            while name.hasSuffix("[]") {
                name = name.dropLast(2)
                arrays += 1
            }
            out.append(String(name))
            out.append(contentsOf: repeatElement("[]", count: arrays))
        }
        return out
    }

    /// Whether a pattern is well formed: non-empty names of letters, digits, `_`, `-`, each
    /// optionally followed by `[]`. Checked on every path a decision request names, so it reads
    /// bytes and builds nothing.
    public static func isWellFormed(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { isWellFormed($0) }
    }

    static func isWellFormed(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var nameLength = 0
        var afterBrackets = false
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if isNameByte(b) {
                if afterBrackets { return false }
                nameLength += 1
                i += 1
            } else if b == UInt8(ascii: "[") {
                guard nameLength > 0, i + 1 < utf8.count, utf8[i + 1] == UInt8(ascii: "]") else { return false }
                afterBrackets = true
                i += 2
            } else if b == UInt8(ascii: ".") {
                guard nameLength > 0 else { return false }
                nameLength = 0
                afterBrackets = false
                i += 1
            } else {
                return false
            }
        }
        return nameLength > 0
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "-")
    }
}
