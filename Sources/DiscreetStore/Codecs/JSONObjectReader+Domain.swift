import DiscreetJSON
import DiscreetPolicy
import Foundation

extension JSONObjectReader {
    public func date(_ key: String) throws(JSONFieldError) -> Date {
        let s = try string(key)
        guard let d = RFC3339.parse(s) else {
            throw JSONFieldError(path: member(key), message: "expected an RFC 3339 date or date-time (2026-01-31T09:00:00Z)")
        }
        return d
    }

    public func categoryPatterns(_ key: String) throws(JSONFieldError) -> [CategoryPattern] {
        var out: [CategoryPattern] = []
        for (i, s) in try strings(key).enumerated() {
            let p = CategoryPattern(s)
            guard p.isWellFormed else {
                throw JSONFieldError(
                    path: "\(member(key))/\(i)", message: "expected a category, a wildcard such as health.*, or *")
            }
            out.append(p)
        }
        guard !out.isEmpty else { throw JSONFieldError(path: member(key), message: "name at least one category") }
        return out
    }

    public func nonEmptyStrings(_ key: String) throws(JSONFieldError) -> [String] {
        let list = try strings(key)
        guard !list.isEmpty else { throw JSONFieldError(path: member(key), message: "must not be empty") }
        return list
    }
}

extension JSONValue {
    public static func strings(_ list: some Sequence<String>) -> JSONValue { .array(list.sorted().map(JSONValue.string)) }
    public static func date(_ d: Date) -> JSONValue { .string(RFC3339.format(d)) }
}
