import DiscreetJSON
import DiscreetPolicy
import Foundation

extension Consent {
    /// How a consent may have been obtained.
    public static let methods: Set<String> = ["written", "electronic-signature", "recorded-verbal"]

    /// Reads a `POST /v1/subjects/{id}/consents` body. Names are checked against the bundle by the caller.
    public init(id: String, subject: String, body: JSONValue) throws(JSONFieldError) {
        let r = try JSONObjectReader(body)
        try r.rejectUnknown([
            "provider", "purposes", "categories", "granted_at", "expires_at", "method", "evidence", "notice_version",
            "acknowledges_conflict",
        ])
        let granted = try r.date("granted_at")
        let expires = try r.date("expires_at")
        guard granted < expires else { throw JSONFieldError(path: r.member("expires_at"), message: "must be after granted_at") }
        let method = try r.string("method")
        guard Consent.methods.contains(method) else {
            throw JSONFieldError(
                path: r.member("method"), message: "expected one of: \(Consent.methods.sorted().joined(separator: ", "))")
        }
        let evidence = try r.object("evidence")
        try evidence.rejectUnknown(["digest", "reference"])
        self.init(
            id: id, subject: subject, provider: try r.string("provider"), purposes: Set(try r.nonEmptyStrings("purposes")),
            categories: try r.categoryPatterns("categories"), grantedAt: granted, expiresAt: expires, method: method,
            evidenceDigest: try evidence.string("digest"), evidenceReference: try evidence.string("reference"),
            noticeVersion: try r.string("notice_version"),
            acknowledgesConflict: try r.bool("acknowledges_conflict", default: false))
    }

    /// The consent as the API shows it, with its status at `now`.
    public func json(at now: Date) -> JSONValue {
        var o = storedJSON.objectValue!
        o["status"] = .string(status(at: now).rawValue)
        return .object(o)
    }

    /// The consent as the store keeps it.
    public var storedJSON: JSONValue {
        var o = JSONObject([
            ("id", .string(id)), ("subject", .string(subject)), ("provider", .string(provider)),
            ("purposes", .strings(purposes)), ("categories", .array(categories.map { .string($0.text) })),
            ("granted_at", .date(grantedAt)), ("expires_at", .date(expiresAt)), ("method", .string(method)),
            ("evidence", .object(JSONObject([("digest", .string(evidenceDigest)), ("reference", .string(evidenceReference))]))),
            ("notice_version", .string(noticeVersion)), ("acknowledges_conflict", .bool(acknowledgesConflict)),
        ])
        o["withdrawn_at"] = withdrawnAt.map(JSONValue.date) ?? .null
        return .object(o)
    }

    /// Reads what `storedJSON` wrote.
    public init(stored: JSONValue) throws(JSONFieldError) {
        var body = try JSONObjectReader(stored).object
        let id = try JSONObjectReader(body).string("id")
        let subject = try JSONObjectReader(body).string("subject")
        let withdrawn = try body["withdrawn_at"].flatMap { v throws(JSONFieldError) in
            v == .null ? nil : try JSONObjectReader(body).date("withdrawn_at")
        }
        body["id"] = nil
        body["subject"] = nil
        body["withdrawn_at"] = nil
        try self.init(id: id, subject: subject, body: .object(body))
        self.withdrawnAt = withdrawn
    }
}

extension Provider {
    /// Reads what `json` wrote (the store keeps the API form).
    public init(stored: JSONValue) throws(JSONFieldError) {
        var body = try JSONObjectReader(stored).object
        let id = try JSONObjectReader(body).string("id")
        let suspended = try JSONObjectReader(body).bool("suspended", default: false)
        body["id"] = nil
        body["suspended"] = nil
        try self.init(id: id, body: .object(body))
        self.suspended = suspended
    }
}

extension Subject {
    public init(stored: JSONValue) throws(JSONFieldError) {
        var body = try JSONObjectReader(stored).object
        let id = try JSONObjectReader(body).string("id")
        body["id"] = nil
        try self.init(id: id, body: .object(body))
    }
}
