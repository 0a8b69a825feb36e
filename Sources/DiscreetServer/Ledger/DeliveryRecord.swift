import DiscreetJSON
import DiscreetPolicy
import Foundation

/// The ledger's word that a gateway disclosure, already recorded, did not reach its recipient:
/// the upstream could not be reached or did not answer in time. Appended after the disclosure it
/// names, never instead of it, so the ledger shows an attempt that did not arrive, and the
/// accounting says "attempted, not delivered".
///
/// An entry of its own (`"kind": "delivery"`), hashed into the tree like any other, with the same
/// index columns (its own id, the subject, provider, purpose and time), so `verify` checks it too.
struct DeliveryRecord {
    enum Outcome: String {
        /// No connection, or the connection failed before an answer.
        case unreachable
        /// No answer within the route's timeout.
        case timedOut = "timed-out"
    }

    var id: String
    var disclosureID: String
    var route: String
    var outcome: Outcome
    var time: Date
    var providerID: String
    var purpose: String
    var subjectID: String

    static let kind = "delivery"

    var json: JSONValue {
        .object(
            JSONObject([
                ("v", 1), ("kind", .string(Self.kind)), ("id", .string(id)), ("time", .string(RFC3339.format(time))),
                ("provider", .string(providerID)), ("purpose", .string(purpose)), ("subject", .string(subjectID)),
                (
                    "delivery",
                    .object(
                        JSONObject([
                            ("disclosure", .string(disclosureID)), ("route", .string(route)),
                            ("outcome", .string(outcome.rawValue)),
                        ]))
                ),
            ]))
    }

    var canonicalBytes: [UInt8] { JSONWriter.encode(json, sortedKeys: true) }

    /// The disclosure a stored delivery entry says was not delivered, and why; nil for any other entry.
    static func undelivered(in entry: JSONObject) -> (disclosureID: String, outcome: String)? {
        guard entry["kind"]?.stringValue == kind, case .object(let d)? = entry["delivery"],
            let id = d["disclosure"]?.stringValue, let outcome = d["outcome"]?.stringValue
        else { return nil }
        return (id, outcome)
    }
}
