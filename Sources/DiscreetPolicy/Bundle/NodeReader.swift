import DiscreetJSON
import Foundation
import Yams

/// Reads a composed YAML document, collecting every issue with its path and line instead of
/// stopping at the first.
///
/// A budget of nodes bounds the walk: YAML aliases are resolved into shared nodes, so a small
/// "billion laughs" document would otherwise expand beyond memory.
struct NodeReader {
    static let nodeBudget = 200_000

    var issues: [BundleIssue] = []
    private var visited = 0
    private(set) var exhausted = false

    mutating func issue(_ path: Pointer, _ node: Node?, _ message: String) {
        issues.append(BundleIssue(path: path.description, line: node?.mark?.line, message: message))
    }

    private mutating func spend(_ n: Int, _ path: Pointer, _ node: Node) -> Bool {
        visited += n
        if visited > NodeReader.nodeBudget {
            if !exhausted {
                exhausted = true
                issue(
                    path, node,
                    "the document expands to more than \(NodeReader.nodeBudget) nodes (too large, or aliases that repeat too much)"
                )
            }
            return false
        }
        return true
    }

    /// A mapping's entries with scalar keys; nil (and an issue) for anything else.
    mutating func mapping(_ node: Node, _ path: Pointer, what: String = "a mapping") -> [(key: String, node: Node)]? {
        guard case .mapping(let m) = node else {
            issue(path, node, "expected \(what)")
            return nil
        }
        guard spend(m.count, path, node) else { return nil }
        var out: [(String, Node)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                issue(path, k, "keys must be plain strings")
                continue
            }
            out.append((key, v))
        }
        return out
    }

    mutating func sequence(_ node: Node, _ path: Pointer, what: String = "a list") -> [Node]? {
        guard case .sequence(let s) = node else {
            issue(path, node, "expected \(what)")
            return nil
        }
        guard spend(s.count, path, node) else { return nil }
        return Array(s)
    }

    /// The JSON form is read with JSON's types, exactly as openapi.yaml's PolicyBundle describes it
    /// (`1` is no version label, `"4"` no mask width); the YAML form lets a number stand for text
    /// (`version: 1`), as YAML authors write it.
    var format = BundleFormat.yaml

    /// A scalar's type as YAML's core schema reads it: a quoted scalar is always text; a plain one
    /// is typed by its form (`1` an integer, `true` a boolean, `null` or nothing a null).
    func kind(_ node: Node) -> Tag.Name { Resolver.default.resolveTag(of: node) }

    /// Text. A null or a boolean is never text (`on`, `no` and `~` included): a forgotten value or
    /// a YAML 1.1 surprise is an issue, not a name.
    /// Empty text is refused unless `allowEmpty` (a pointer to the whole body is empty).
    mutating func string(_ node: Node, _ path: Pointer, what: String = "a string", allowEmpty: Bool = false) -> String? {
        guard let s = node.scalar else {
            issue(path, node, "expected \(what)")
            return nil
        }
        switch kind(node) {
        case .str, .timestamp:
            if !s.string.isEmpty || allowEmpty { return s.string }
            issue(path, node, "expected \(what), not empty text")
        case .int, .float:
            if format == .yaml { return s.string }
            issue(path, node, "expected \(what) as text, not a number")
        case .null: issue(path, node, "expected \(what); found nothing (null)")
        default: issue(path, node, "expected \(what) as text; quote it")
        }
        return nil
    }

    mutating func strings(_ node: Node, _ path: Pointer, what: String = "a list of strings") -> [String]? {
        guard let items = sequence(node, path, what: what) else { return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, path.appending(i)) { out.append(s) }
        }
        return out
    }

    /// `true` or `false`, unquoted.
    mutating func bool(_ node: Node, _ path: Pointer) -> Bool? {
        guard let s = node.scalar?.string, kind(node) == .bool else {
            issue(path, node, "expected true or false (unquoted)")
            return nil
        }
        switch s {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            issue(path, node, "expected true or false (unquoted)")
            return nil
        }
    }

    /// An unquoted integer from 0 to 1,000,000.
    mutating func nonNegativeInt(_ node: Node, _ path: Pointer, what: String) -> Int? {
        guard let s = node.scalar?.string, kind(node) == .int, let n = Int(s), n >= 0, n <= 1_000_000 else {
            issue(path, node, "expected \(what)")
            return nil
        }
        return n
    }

    /// An unquoted number.
    mutating func number(_ node: Node, _ path: Pointer, what: String) -> Double? {
        guard let s = node.scalar?.string, [.int, .float].contains(kind(node)), let n = Double(s), n.isFinite else {
            issue(path, node, "expected \(what)")
            return nil
        }
        return n
    }

    mutating func date(_ node: Node, _ path: Pointer) -> Date? {
        guard let s = node.scalar?.string, [.str, .timestamp].contains(kind(node)), let d = RFC3339.parse(s) else {
            issue(path, node, "expected an RFC 3339 date or date-time (2026-01-31 or 2026-01-31T09:00:00Z)")
            return nil
        }
        return d
    }

    /// Reports keys outside `allowed`.
    mutating func rejectUnknown(_ entries: [(key: String, node: Node)], allowed: Set<String>, _ path: Pointer) {
        for (k, v) in entries where !allowed.contains(k) {
            issue(path.appending(k), v, "unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// Reports required keys that are missing.
    mutating func requireKeys(_ entries: [(key: String, node: Node)], _ required: [String], _ path: Pointer, _ node: Node) {
        let present = Set(entries.map(\.key))
        for k in required where !present.contains(k) { issue(path, node, "missing required key '\(k)'") }
    }

    /// A YAML value as JSON (for test records): plain scalars resolve to null, booleans and numbers.
    mutating func json(_ node: Node, _ path: Pointer) -> JSONValue? {
        switch node {
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.string) }
            switch s.string {
            case "null", "Null", "NULL", "~", "": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if case .number(let n)? = try? JSONParser.parse(s.string) { return .number(n) }
                return .string(s.string)
            }
        case .sequence:
            guard let items = sequence(node, path) else { return nil }
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() {
                guard let v = json(item, path.appending(i)) else { return nil }
                out.append(v)
            }
            return .array(out)
        case .mapping:
            guard let entries = mapping(node, path) else { return nil }
            var out = JSONObject()
            for (k, v) in entries {
                guard let j = json(v, path.appending(k)) else { return nil }
                out[k] = j
            }
            return .object(out)
        case .alias:
            issue(path, node, "aliases are not supported here")
            return nil
        }
    }
}
