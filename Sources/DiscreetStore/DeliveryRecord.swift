import DiscreetJSON
import DiscreetPolicy
import Foundation

/// The ledger's word that a disclosure, already recorded, did not reach its recipient: the
/// upstream could not be reached or did not answer in time (a gateway disclosure), or the request
/// was answered with an error although its entry committed, so nothing was released (the commit's
/// outcome was unknown when the caller had to be answered; `GroupCommit` found it committed).
/// Appended after the disclosure it names, never instead of it, so the ledger shows an attempt
/// that did not arrive, and the accounting says so.
///
/// An entry of its own (`"kind": "delivery"`), hashed into the tree like any other, with the same
/// index columns (its own id, the subject, provider, purpose and time), so `verify` checks it too.
public struct DeliveryRecord: Sendable {
    public enum Outcome: String, Sendable {
        /// No connection, or the connection failed before an answer.
        case unreachable
        /// No answer within the route's timeout.
        case timedOut = "timed-out"
        /// Recorded, then answered 503: nothing left.
        case notReleased = "not-released"
    }

    public var id: String
    public var disclosureID: String
    /// The gateway route, for a gateway disclosure.
    public var route: String?
    public var outcome: Outcome
    public var time: Date
    public var providerID: String
    public var purpose: String
    public var subjectID: String

    public static let kind = "delivery"

    public init(
        id: String, disclosureID: String, route: String?, outcome: Outcome, time: Date, providerID: String,
        purpose: String, subjectID: String
    ) {
        self.id = id
        self.disclosureID = disclosureID
        self.route = route
        self.outcome = outcome
        self.time = time
        self.providerID = providerID
        self.purpose = purpose
        self.subjectID = subjectID
    }

    /// The record that an entry committed although its caller was answered with an error. Its id
    /// is derived from the disclosure's, so that reconciling twice never records it twice (the
    /// ledger's ids are unique).
    public init(notReleased entry: LedgerAppend, at time: Date) {
        self.init(
            id: Self.notReleasedID(entry.disclosureID), disclosureID: entry.disclosureID, route: nil, outcome: .notReleased,
            time: time, providerID: entry.providerID, purpose: entry.purpose, subjectID: entry.subjectID)
    }

    /// `dlv-` like every delivery record (the accounting finds them by it), then `nr-` and the
    /// disclosure's id.
    public static func notReleasedID(_ disclosureID: String) -> String { "dlv-nr-" + disclosureID }

    public var json: JSONValue {
        var delivery = JSONObject([("disclosure", .string(disclosureID))])
        if let route { delivery["route"] = .string(route) }
        delivery["outcome"] = .string(outcome.rawValue)
        return .object(
            JSONObject([
                ("v", 1), ("kind", .string(Self.kind)), ("id", .string(id)), ("time", .string(RFC3339.format(time))),
                ("provider", .string(providerID)), ("purpose", .string(purpose)), ("subject", .string(subjectID)),
                ("delivery", .object(delivery)),
            ]))
    }

    public var canonicalBytes: [UInt8] { JSONWriter.encode(json, sortedKeys: true) }

    /// The append that records it.
    public var append: LedgerAppend {
        LedgerAppend(
            disclosureID: id, subjectID: subjectID, providerID: providerID, purpose: purpose, recordedAt: time,
            entry: canonicalBytes)
    }

    /// The disclosure a stored delivery entry says was not delivered, and why; nil for any other entry.
    public static func undelivered(in entry: JSONObject) -> (disclosureID: String, outcome: String)? {
        guard entry["kind"]?.stringValue == kind, case .object(let d)? = entry["delivery"],
            let id = d["disclosure"]?.stringValue, let outcome = d["outcome"]?.stringValue
        else { return nil }
        return (id, outcome)
    }
}
