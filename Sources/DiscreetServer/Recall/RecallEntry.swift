import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation

/// The ledger entry of a recall's step (`"kind": "recall"`): opened, delivered to the provider's
/// webhook, or acknowledged by the provider's key. Hashed into the tree like any other entry, with
/// the same index columns, so `verify` checks it and a person's accounting can stand on it; its
/// commit moves the recall's status (`LedgerAppend.recallStep`).
struct RecallEntry {
    var id: String
    var recall: Recall
    var step: RecallStep.Kind
    var time: Date
    /// The key that acknowledged, for an acknowledgement.
    var keyID: String?

    static let kind = "recall"
    /// What the entry's `purpose` column holds: a recall serves no purpose of the bundle.
    static let purpose = "recall"

    var json: JSONValue {
        var detail = JSONObject([
            ("id", .string(recall.id)), ("step", .string(step.rawValue)), ("cause", .string(recall.cause.rawValue)),
            ("consent", recall.consentID.map(JSONValue.string) ?? .null),
            ("disclosures", .array(recall.disclosures.map { .number(String($0.ledgerIndex)) })),
        ])
        if let keyID { detail["key_id"] = .string(keyID) }
        return .object(
            JSONObject([
                ("v", 1), ("kind", .string(Self.kind)), ("id", .string(id)), ("time", .string(RFC3339.format(time))),
                ("provider", .string(recall.providerID)), ("purpose", .string(Self.purpose)),
                ("subject", .string(recall.subjectID)), ("recall", .object(detail)),
            ]))
    }

    var append: LedgerAppend {
        LedgerAppend(
            disclosureID: id, subjectID: recall.subjectID, providerID: recall.providerID, purpose: Self.purpose,
            recordedAt: time, entry: JSONWriter.encode(json, sortedKeys: true),
            recallStep: RecallStep(recallID: recall.id, kind: step, at: time))
    }

    /// The entry recording `step` of `recall` now.
    static func make(_ recall: Recall, _ step: RecallStep.Kind, at time: Date, keyID: String? = nil) -> RecallEntry {
        RecallEntry(id: RecordID.make("rcs-", at: time), recall: recall, step: step, time: time, keyID: keyID)
    }
}
