import DiscreetJSON
import DiscreetPolicy
import Foundation

extension ExceptionReview {
    public var json: JSONValue {
        var o = JSONObject([
            ("id", .string(id)), ("disclosure_id", .string(disclosureID)),
            ("ledger_index", ledgerIndex.map { .number(String($0)) } ?? .null), ("subject", .string(subjectID)),
            ("provider", .string(providerID)), ("basis", .string(basis)), ("justification", .string(justification)),
            ("facts", .string(facts)), ("authority", authority.map(JSONValue.string) ?? .null),
            ("invoked_by", .string(invokedBy)),
            ("invoked_at", .date(invokedAt)), ("status", .string(status.rawValue)),
        ])
        o["reviewer"] = reviewer.map(JSONValue.string) ?? .null
        o["comment"] = comment.map(JSONValue.string) ?? .null
        o["reviewed_by"] = reviewedBy.map(JSONValue.string) ?? .null
        o["reviewed_at"] = reviewedAt.map(JSONValue.date) ?? .null
        return .object(o)
    }

    public init(stored: JSONValue) throws(JSONFieldError) {
        let r = try JSONObjectReader(stored)
        func text(_ k: String) -> String? { r.object[k]?.stringValue }
        func date(_ k: String) -> Date? { text(k).flatMap(RFC3339.parse) }
        guard let id = text("id"), let disclosure = text("disclosure_id"), let subject = text("subject"),
            let provider = text("provider"), let basis = text("basis"), let invokedBy = text("invoked_by"),
            let invokedAt = date("invoked_at"), let status = text("status").flatMap(Status.init(rawValue:))
        else { throw JSONFieldError(path: "/", message: "not an exception review") }
        var index: Int64?
        if case .number(let n)? = r.object["ledger_index"] { index = Int64(n) }
        self.init(
            id: id, disclosureID: disclosure, ledgerIndex: index, subjectID: subject, providerID: provider, basis: basis,
            justification: text("justification") ?? "", facts: text("facts") ?? "", authority: text("authority"),
            invokedBy: invokedBy, invokedAt: invokedAt, status: status, reviewer: text("reviewer"), comment: text("comment"),
            reviewedBy: text("reviewed_by"), reviewedAt: date("reviewed_at"))
    }
}
