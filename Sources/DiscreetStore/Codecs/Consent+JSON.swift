import DiscreetJSON
import DiscreetPolicy
import Foundation

extension Consent {
    /// How a consent may have been obtained.
    public static let methods: Set<String> = ["written", "electronic-signature", "recorded-verbal"]

    /// The members of a grant.
    public static let grantMembers: Set<String> = [
        "provider", "purposes", "categories", "granted_at", "expires_at", "method", "evidence", "notice_version",
        "acknowledges_conflict",
    ]

    /// The policy's word on a grant's parts (`ConsentRules.check` over what could be read).
    public typealias GrantRules = (
        _ provider: String?, _ purposes: Set<String>?, _ categories: [CategoryPattern]?, _ expiresAt: Date?
    ) -> [JSONFieldError]

    /// Reads a `POST /v1/subjects/{id}/consents` body, collecting every missing or invalid member
    /// rather than stopping at the first, and, with `rules`, every problem of policy with the
    /// parts that could be read: one answer names everything to fix.
    public static func grant(id: String, subject: String, body: JSONValue, rules: GrantRules? = nil) -> Result<
        Consent, JSONFieldErrors
    > {
        let r: JSONObjectReader
        do {
            r = try JSONObjectReader(body)
        } catch {
            return .failure(JSONFieldErrors([error]))
        }
        var errors: [JSONFieldError] = []
        func read<T>(_ f: () throws(JSONFieldError) -> T) -> T? {
            do { return try f() } catch {
                errors.append(error)
                return nil
            }
        }
        errors.append(contentsOf: r.unknownMembers(grantMembers))
        let provider = read { () throws(JSONFieldError) in try r.string("provider") }
        let purposes = read { () throws(JSONFieldError) in try r.nonEmptyStrings("purposes") }
        let categories = read { () throws(JSONFieldError) in try r.categoryPatterns("categories") }
        let granted = read { () throws(JSONFieldError) in try r.date("granted_at") }
        let expires = read { () throws(JSONFieldError) in try r.date("expires_at") }
        let method = read { () throws(JSONFieldError) -> String in
            let m = try r.string("method")
            guard Consent.methods.contains(m) else {
                throw JSONFieldError(
                    path: r.member("method"), message: "expected one of: \(Consent.methods.sorted().joined(separator: ", "))")
            }
            return m
        }
        let evidence = read { () throws(JSONFieldError) -> (String, String) in
            let e = try r.object("evidence")
            try e.rejectUnknown(["digest", "reference"])
            return (try e.string("digest"), try e.string("reference"))
        }
        if r.object["evidence"] != nil, evidence == nil, let e = try? r.object("evidence") {
            // Name each missing part of the evidence, not only the first.
            for k in ["digest", "reference"]
            where (try? e.string(k)) == nil && !errors.contains(where: { $0.path == e.member(k) }) {
                errors.append(JSONFieldError(path: e.member(k), message: "required"))
            }
        }
        let notice = read { () throws(JSONFieldError) in try r.string("notice_version") }
        let acknowledges = read { () throws(JSONFieldError) in try r.bool("acknowledges_conflict", default: false) }
        if let granted, let expires, expires <= granted {
            errors.append(JSONFieldError(path: r.member("expires_at"), message: "must be after granted_at"))
        }
        if let rules { errors += rules(provider, purposes.map(Set.init), categories, expires) }
        guard errors.isEmpty, let provider, let purposes, let categories, let granted, let expires, let method, let evidence,
            let notice, let acknowledges
        else { return .failure(JSONFieldErrors(errors)) }
        return .success(
            Consent(
                id: id, subject: subject, provider: provider, purposes: Set(purposes), categories: categories, grantedAt: granted,
                expiresAt: expires, method: method, evidenceDigest: evidence.0, evidenceReference: evidence.1,
                noticeVersion: notice, acknowledgesConflict: acknowledges))
    }

    /// Reads a grant body, throwing its first problem (the store's own documents are always whole).
    public init(id: String, subject: String, body: JSONValue) throws(JSONFieldError) {
        switch Consent.grant(id: id, subject: subject, body: body) {
        case .success(let c): self = c
        case .failure(let e): throw e.errors.first ?? JSONFieldError(path: "/", message: "invalid")
        }
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
        o["receipt_id"] = receiptID.map(JSONValue.string) ?? .null
        o["receipt"] = receipt.map(JSONValue.string) ?? .null
        o["withdrawal_receipt_id"] = withdrawalReceiptID.map(JSONValue.string) ?? .null
        o["withdrawal_receipt"] = withdrawalReceipt.map(JSONValue.string) ?? .null
        return .object(o)
    }

    static let receiptMembers = ["receipt_id", "receipt", "withdrawal_receipt_id", "withdrawal_receipt"]

    /// Reads what `storedJSON` wrote.
    public init(stored: JSONValue) throws(JSONFieldError) {
        var body = try JSONObjectReader(stored).object
        let id = try JSONObjectReader(body).string("id")
        let subject = try JSONObjectReader(body).string("subject")
        let withdrawn = try body["withdrawn_at"].flatMap { v throws(JSONFieldError) in
            v == .null ? nil : try JSONObjectReader(body).date("withdrawn_at")
        }
        let receipts = Consent.receiptMembers.map { body[$0]?.stringValue }
        for key in ["id", "subject", "withdrawn_at"] + Consent.receiptMembers { body[key] = nil }
        try self.init(id: id, subject: subject, body: .object(body))
        self.withdrawnAt = withdrawn
        (receiptID, receipt, withdrawalReceiptID, withdrawalReceipt) = (receipts[0], receipts[1], receipts[2], receipts[3])
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
