import DiscreetJSON

/// A body on a gateway route, taken apart as the route says: the record or records to decide,
/// and, once decided, the body that may leave.
///
/// Fail closed: what leaves is rebuilt from the released records alone. Members outside the
/// record location were decided by nothing, so they do not travel; the containers on the way to
/// the records are kept, so the receiver finds them where it expects them.
public struct GatewayBody: Sendable {
    public enum Problem: Error, Equatable, Sendable {
        /// Nothing at the route's record pointer.
        case recordMissing(pointer: String)
        /// The value at the pointer (or the element at `index` of the array there) is not an object.
        case recordNotAnObject(pointer: String, index: Int?)
        /// `/items/*`: the value at the pointer is not an array.
        case recordsNotAnArray(pointer: String)
        /// The record pointer passes through an array: the rebuilt body could not keep its shape.
        case pointerCrossesArray(pointer: String)
    }

    public let records: [JSONObject]
    /// How each record's fields are named in decisions: "" for a single record, `[i]` for the
    /// i-th element of `/items/*`, so `[2].name` is the third record's name.
    public let prefixes: [String]
    let location: GatewayRoute.RecordLocation

    public init(_ body: JSONValue, location: GatewayRoute.RecordLocation) throws(Problem) {
        self.location = location
        switch location {
        case .at(let pointer):
            let value = try Self.walk(body, pointer)
            guard case .object(let record) = value else {
                throw .recordNotAnObject(pointer: pointer.description, index: nil)
            }
            records = [record]
            prefixes = [""]
        case .each(let pointer):
            let value = try Self.walk(body, pointer)
            guard case .array(let elements) = value else { throw .recordsNotAnArray(pointer: pointer.description) }
            var records: [JSONObject] = []
            records.reserveCapacity(elements.count)
            for (i, e) in elements.enumerated() {
                guard case .object(let o) = e else { throw .recordNotAnObject(pointer: pointer.description, index: i) }
                records.append(o)
            }
            self.records = records
            prefixes = records.indices.map { "[\($0)]" }
        }
    }

    /// The value at `pointer`, through objects only.
    static func walk(_ body: JSONValue, _ pointer: JSONPointer) throws(Problem) -> JSONValue {
        var current = body
        for token in pointer.tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { throw .recordMissing(pointer: pointer.description) }
                current = next
            case .array: throw .pointerCrossesArray(pointer: pointer.description)
            default: throw .recordMissing(pointer: pointer.description)
            }
        }
        return current
    }

    /// The body to forward: the records as released (a record with nothing released is `{}`, so
    /// the array keeps its positions), in their containers, and nothing else.
    public func forwarded(_ released: [JSONObject]) -> JSONValue {
        let tokens: [String]
        var value: JSONValue
        switch location {
        case .at(let pointer):
            tokens = pointer.tokens
            value = .object(released.first ?? JSONObject())
        case .each(let pointer):
            tokens = pointer.tokens
            value = .array(released.map(JSONValue.object))
        }
        for token in tokens.reversed() { value = .object(JSONObject([(token, value)])) }
        return value
    }
}

extension GatewayRoute {
    /// The subject's id for a request on this route: from the body (a string, or an integer
    /// written as digits), a path parameter or a header. Nil when it is not there, empty, longer
    /// than 200 characters or holds a control character.
    public func subjectID(body: JSONValue, parameters: [String: String], header: (String) -> String?) -> String? {
        let raw: String?
        switch subject {
        case .pointer(let pointer):
            switch pointer.resolve(in: body) {
            case .string(let s): raw = s
            case .number(let n) where n.utf8.allSatisfy({ (0x30...0x39).contains($0) }): raw = n
            default: raw = nil
            }
        case .pathParameter(let name): raw = parameters[name]
        case .header(let name): raw = header(name)
        }
        guard let raw, !raw.isEmpty, raw.count <= 200, raw.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { return nil }
        return raw
    }
}

extension JSONPointer {
    /// The value the pointer designates (RFC 6901 section 4): object members by name, array
    /// elements by a decimal index without leading zeros. Nil when there is none.
    public func resolve(in value: JSONValue) -> JSONValue? {
        var current = value
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), String(i) == token, i >= 0, i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }
}
