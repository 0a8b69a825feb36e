/// A JSON document as it was sent.
///
/// Numbers keep their original text: a gatekeeper must release a value exactly as it received it,
/// and a `Double` would silently round `12345678901234567890`. Objects keep their key order so that
/// a released record reads like the one sent; `JSONWriter` can sort keys for canonical output.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text, already checked against RFC 8259's grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, or nil when this is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object, or nil when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array, or nil when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A short name of the value's JSON type, for error messages that must not echo the value.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object: ordered members with unique keys.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init() { self.members = [] }

    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        for (k, v) in members { self[k] = v }
    }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Appends without checking for an existing key. The caller guarantees the key is not there
    /// yet: the parser has proved uniqueness, and a filter copying members of one parsed object
    /// into another inherits that proof. Subscript assignment checks, at a cost linear in the size.
    public mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    public mutating func reserveCapacity(_ n: Int) { members.reserveCapacity(n) }

    /// Objects are equal when they hold the same keys with equal values, in any order (RFC 8259 §4).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (key, value) in lhs.members where rhs[key] != value { return false }
        return true
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
