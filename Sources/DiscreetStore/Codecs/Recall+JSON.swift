import DiscreetJSON
import DiscreetPolicy
import Foundation

extension Recall {
    /// The recall as answered. `showingSubject` is false for the provider it names (its key, its
    /// webhook): the provider is told the disclosures and its own tokens, never the subject's id.
    public func json(showingSubject: Bool) -> JSONValue {
        var o = JSONObject([("id", .string(id)), ("provider", .string(providerID))])
        if showingSubject { o["subject"] = .string(subjectID) }
        o["cause"] = .string(cause.rawValue)
        o["consent"] = consentID.map(JSONValue.string) ?? .null
        if let subjectToken { o["subject_token"] = .string(subjectToken) }
        o["status"] = .string(status.rawValue)
        o["opened_at"] = .date(openedAt)
        o["opened_index"] = openedIndex.map(Self.number) ?? .null
        o["delivered_at"] = deliveredAt.map(JSONValue.date) ?? .null
        o["delivered_index"] = deliveredIndex.map(Self.number) ?? .null
        o["acknowledged_at"] = acknowledgedAt.map(JSONValue.date) ?? .null
        o["acknowledged_index"] = acknowledgedIndex.map(Self.number) ?? .null
        o["disclosures"] = .array(disclosures.map(\.json))
        o["acknowledge"] = .string("/v1/recalls/\(id)/acknowledge")
        return .object(o)
    }

    /// What an operator reads of its delivery, beside `json`.
    public var deliveryJSON: JSONValue {
        .object(
            JSONObject([
                ("attempts", .number(String(attempts))),
                ("next_attempt_at", status == .open ? .date(nextAttemptAt) : .null),
                ("last_error", lastError.map(JSONValue.string) ?? .null),
            ]))
    }

    /// What never changes once opened, as the store keeps it.
    public var storedDoc: JSONValue {
        var o = JSONObject([
            ("cause", .string(cause.rawValue)), ("consent", consentID.map(JSONValue.string) ?? .null),
            ("opened_at", .date(openedAt)), ("disclosures", .array(disclosures.map(\.json))),
        ])
        if let subjectToken { o["subject_token"] = .string(subjectToken) }
        return .object(o)
    }

    /// A stored row: the immutable document and the columns that move.
    public init(
        id: String, subjectID: String, providerID: String, storedDoc: JSONValue, status: String, openedIndex: Int64?,
        deliveredIndex: Int64?, deliveredAt: Double?, acknowledgedIndex: Int64?, acknowledgedAt: Double?, attempts: Int,
        nextAttemptAt: Double, lastError: String?
    ) throws(JSONFieldError) {
        let r = try JSONObjectReader(storedDoc)
        guard let cause = r.object["cause"]?.stringValue.flatMap(Cause.init(rawValue:)),
            let openedAt = r.object["opened_at"]?.stringValue.flatMap(RFC3339.parse),
            let status = Status(rawValue: status)
        else { throw JSONFieldError(path: "/", message: "not a recall") }
        var disclosures: [RecalledDisclosure] = []
        for d in r.object["disclosures"]?.arrayValue ?? [] {
            guard let o = d.objectValue, case .number(let n)? = o["ledger_index"], let index = Int64(n),
                let disclosure = o["disclosure"]?.stringValue, let time = o["time"]?.stringValue.flatMap(RFC3339.parse),
                let purpose = o["purpose"]?.stringValue
            else { throw JSONFieldError(path: "/disclosures", message: "not a recalled disclosure") }
            var tokens: [String: String] = [:]
            for (field, token) in o["tokens"]?.objectValue?.members ?? [] { tokens[field] = token.stringValue }
            disclosures.append(
                RecalledDisclosure(
                    ledgerIndex: index, disclosureID: disclosure, time: time, purpose: purpose,
                    categories: (o["categories"]?.arrayValue ?? []).compactMap(\.stringValue), tokens: tokens))
        }
        self.init(
            id: id, subjectID: subjectID, providerID: providerID, cause: cause,
            consentID: r.object["consent"]?.stringValue, openedAt: openedAt, disclosures: disclosures,
            subjectToken: r.object["subject_token"]?.stringValue, status: status, openedIndex: openedIndex,
            deliveredIndex: deliveredIndex, deliveredAt: deliveredAt.map(Date.init(timeIntervalSince1970:)),
            acknowledgedIndex: acknowledgedIndex, acknowledgedAt: acknowledgedAt.map(Date.init(timeIntervalSince1970:)),
            attempts: attempts, nextAttemptAt: Date(timeIntervalSince1970: nextAttemptAt), lastError: lastError)
    }

    static func number(_ n: Int64) -> JSONValue { .number(String(n)) }
}

extension RecalledDisclosure {
    public var json: JSONValue {
        var o = JSONObject([
            ("ledger_index", .number(String(ledgerIndex))), ("disclosure", .string(disclosureID)), ("time", .date(time)),
            ("purpose", .string(purpose)), ("categories", .array(categories.map(JSONValue.string))),
        ])
        if !tokens.isEmpty {
            o["tokens"] = .object(JSONObject(tokens.keys.sorted().map { ($0, JSONValue.string(tokens[$0]!)) }))
        }
        return .object(o)
    }
}
