/// Reads an API body's object strictly: unknown members are refused by name, each member must have
/// the expected type, and every error names the member's path (never its value).
public struct JSONObjectReader {
    public let object: JSONObject
    public let path: String

    public init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    public init(_ value: JSONValue, path: String = "") throws(JSONFieldError) {
        guard case .object(let o) = value else {
            throw JSONFieldError(path: path.isEmpty ? "/" : path, message: "expected an object, got \(value.typeName)")
        }
        self.init(o, path: path)
    }

    public func member(_ key: String) -> String { path + "/" + key }

    /// Refuses members not in `allowed`. A member is named only when its name is one of the API's
    /// own (`vocabulary`: misplaced, not mistyped); any other is named by its position, for a
    /// body's member names may themselves be values (a record keyed by a person's e-mail) and an
    /// error never echoes a value.
    public func rejectUnknown(_ allowed: Set<String>) throws(JSONFieldError) {
        if let first = unknownMembers(allowed).first { throw first }
    }

    /// One error for each member not in `allowed`, in the body's order, named as `rejectUnknown`
    /// names them.
    public func unknownMembers(_ allowed: Set<String>) -> [JSONFieldError] {
        var errors: [JSONFieldError] = []
        for (position, key) in object.keys.enumerated() where !allowed.contains(key) {
            let expected = "expected one of: \(allowed.sorted().joined(separator: ", "))"
            if Self.vocabulary.contains(key) {
                errors.append(JSONFieldError(path: member(key), message: "not allowed here; \(expected)"))
            } else {
                errors.append(
                    JSONFieldError(
                        path: path.isEmpty ? "/" : path,
                        message: "member \(position + 1) of this object has a name that is not allowed here; \(expected)"))
            }
        }
        return errors
    }

    /// Every member name of the API's request bodies (openapi.yaml's request schemas; a test
    /// holds the two equal).
    public static let vocabulary: Set<String> = [
        "acknowledges_conflict", "agreements", "authority", "basis", "categories", "category", "comment", "consents", "digest",
        "document_digest", "evidence", "exception", "expires_at", "facts", "fields", "granted_at", "id", "justification",
        "kind", "method", "notice_version", "path", "provider", "purpose", "purposes", "recall_webhook", "record",
        "record_type", "reference", "restrictions", "reviewer", "route", "secret", "serves_competitors_of", "subject", "tags",
        "type", "url", "valid_from", "valid_until", "verdict",
    ]

    public func required(_ key: String) throws(JSONFieldError) -> JSONValue {
        guard let v = object[key], v != .null else { throw JSONFieldError(path: member(key), message: "required") }
        return v
    }

    public func string(_ key: String) throws(JSONFieldError) -> String {
        let v = try required(key)
        guard case .string(let s) = v, !s.isEmpty else {
            throw JSONFieldError(
                path: member(key), message: v.stringValue != nil ? "must not be empty" : "expected a string, got \(v.typeName)")
        }
        return s
    }

    public func optionalString(_ key: String) throws(JSONFieldError) -> String? {
        guard let v = object[key], v != .null else { return nil }
        return try string(key)
    }

    public func bool(_ key: String, default value: Bool) throws(JSONFieldError) -> Bool {
        guard let v = object[key], v != .null else { return value }
        guard case .bool(let b) = v else {
            throw JSONFieldError(path: member(key), message: "expected true or false, got \(v.typeName)")
        }
        return b
    }

    public func array(_ key: String, required isRequired: Bool = true) throws(JSONFieldError) -> [JSONValue] {
        guard let v = object[key], v != .null else {
            if isRequired { throw JSONFieldError(path: member(key), message: "required") }
            return []
        }
        guard case .array(let a) = v else {
            throw JSONFieldError(path: member(key), message: "expected an array, got \(v.typeName)")
        }
        return a
    }

    public func strings(_ key: String, required isRequired: Bool = true) throws(JSONFieldError) -> [String] {
        var out: [String] = []
        for (i, v) in try array(key, required: isRequired).enumerated() {
            guard case .string(let s) = v, !s.isEmpty else {
                throw JSONFieldError(path: "\(member(key))/\(i)", message: "expected a non-empty string, got \(v.typeName)")
            }
            out.append(s)
        }
        return out
    }

    public func object(_ key: String) throws(JSONFieldError) -> JSONObjectReader {
        try JSONObjectReader(try required(key), path: member(key))
    }

    public func optionalObject(_ key: String) throws(JSONFieldError) -> JSONObjectReader? {
        guard let v = object[key], v != .null else { return nil }
        return try JSONObjectReader(v, path: member(key))
    }
}

/// A member of a request body that is missing, of the wrong type, or not allowed.
public struct JSONFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A JSON Pointer to the member.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Several members at fault at once.
public struct JSONFieldErrors: Error, Sendable, Equatable {
    public var errors: [JSONFieldError]

    public init(_ errors: [JSONFieldError]) { self.errors = errors }
}
