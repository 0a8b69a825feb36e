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
    /// The request's one subject id, for a route that reads one (a pointer outside the records, a
    /// path parameter or a header): a string, or an integer written as digits. Nil when it is not
    /// there or not a usable id (`GatewaySubjects.usableID`), and for a route that reads each
    /// record's own subject (`subjects(of:body:parameters:header:)` reads those).
    public func subjectID(body: JSONValue, parameters: [String: String], header: (String) -> String?) -> String? {
        switch subject {
        case .pointer(let pointer): GatewaySubjects.usableID(pointer.resolve(in: body))
        case .pathParameter(let name): GatewaySubjects.usableID(parameters[name].map(JSONValue.string))
        case .header(let name): GatewaySubjects.usableID(header(name).map(JSONValue.string))
        case .eachRecord: nil
        }
    }

    /// The subject of every record of `parts`, grouped by subject. All or nothing: a record without
    /// a usable subject id refuses the whole request, since a half-forwarded batch cannot be
    /// explained to the upstream.
    public func subjects(of parts: GatewayBody, body: JSONValue, parameters: [String: String], header: (String) -> String?)
        throws(GatewaySubjects.Problem) -> GatewaySubjects
    {
        guard case .eachRecord(let inRecord) = subject else {
            guard let id = subjectID(body: body, parameters: parameters, header: header) else { throw .missing }
            return GatewaySubjects(groups: [.init(subjectID: id, positions: Array(parts.records.indices))])
        }
        var groups: [GatewaySubjects.Group] = []
        var groupOf: [String: Int] = [:]
        var missing: [Int] = []
        for (i, record) in parts.records.enumerated() {
            guard let id = GatewaySubjects.usableID(inRecord.resolve(in: .object(record))) else {
                missing.append(i)
                continue
            }
            if let g = groupOf[id] {
                groups[g].positions.append(i)
            } else {
                groupOf[id] = groups.count
                groups.append(.init(subjectID: id, positions: [i]))
            }
        }
        guard missing.isEmpty else { throw .missingInRecords(missing) }
        return GatewaySubjects(groups: groups)
    }
}

/// Whose records a gateway body holds: each subject with the positions of its records, in the
/// order subjects first appear. Every record is in exactly one group.
public struct GatewaySubjects: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var subjectID: String
        /// Indices into `GatewayBody.records`, ascending.
        public var positions: [Int]

        public init(subjectID: String, positions: [Int]) {
            self.subjectID = subjectID
            self.positions = positions
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        /// The request's one subject is not where the route reads it.
        case missing
        /// These records (indices in the records' array) carry no usable subject id of their own.
        case missingInRecords([Int])
    }

    public let groups: [Group]

    public init(groups: [Group]) {
        self.groups = groups
    }

    /// A subject id as the gateway takes it: a string, or an integer written as digits; 1 to 200
    /// characters, none of them a control character.
    public static func usableID(_ value: JSONValue?) -> String? {
        let raw: String
        switch value {
        case .string(let s): raw = s
        case .number(let n) where n.utf8.allSatisfy({ (0x30...0x39).contains($0) }): raw = n
        default: return nil
        }
        guard !raw.isEmpty, raw.count <= 200, raw.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { return nil }
        return raw
    }

    /// Each subject's records, with their field prefixes, for `DecisionEngine.disclose(bySubject:)`:
    /// `inputs` holds each group's decision input, in the groups' order.
    public func batches(_ parts: GatewayBody, inputs: [DecisionInput]) -> [SubjectRecords] {
        precondition(inputs.count == groups.count && zip(groups, inputs).allSatisfy { $0.subjectID == $1.subjectID })
        return zip(groups, inputs).map { g, input in
            SubjectRecords(
                input: input, records: g.positions.map { parts.records[$0] }, prefixes: g.positions.map { parts.prefixes[$0] })
        }
    }

    /// The released records back in the body's order: `released[k]` holds group k's records in
    /// the order of its positions. A position no group filled stays `{}` (nothing leaves).
    public func inBodyOrder(_ released: [[JSONObject]], count: Int) -> [JSONObject] {
        var out = [JSONObject](repeating: JSONObject(), count: count)
        for (g, records) in zip(groups, released) {
            for (position, record) in zip(g.positions, records) where position < count { out[position] = record }
        }
        return out
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
