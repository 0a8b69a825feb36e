import DiscreetJSON
import DiscreetPolicy
import Foundation

/// One line of a subject's accounting of disclosures, read from a ledger entry: when, to whom,
/// for what, which categories left and which were withheld, on what basis.
struct AccountingRow: Sendable, Equatable {
    var index: Int64
    var leafHash: String
    var time: Date
    var recipient: String
    var purpose: String
    var released: [String]
    var withheld: [String]
    var bases: [String]
    /// Set when the whole request was refused (a suspended provider).
    var refused: String?
    /// For a released category, the transform it left under (`mask:4`); absent when it left as it was.
    var forms: [String: String]
    /// For a withheld category, the reason code it was kept back for.
    var reasons: [String: String]
    /// For a scrubbed category, what `scrub` removed from its text: label to count, summed over
    /// the category's fields.
    var removed: [String: [String: Int]] = [:]
    /// Set when a delivery record says the gateway's attempt did not arrive (`unreachable`,
    /// `timed-out`): the disclosure was attempted, not delivered.
    var notDelivered: String?
    /// The recalls that named this disclosure: the recipient was asked to return or delete what
    /// each says, oldest first.
    var recalls: [RecallMark] = []

    init(
        index: Int64, leafHash: String, time: Date, recipient: String, purpose: String, released: [String], withheld: [String],
        bases: [String], refused: String? = nil, forms: [String: String] = [:], reasons: [String: String] = [:]
    ) {
        self.index = index
        self.leafHash = leafHash
        self.time = time
        self.recipient = recipient
        self.purpose = purpose
        self.released = released
        self.withheld = withheld
        self.bases = bases
        self.refused = refused
        self.forms = forms
        self.reasons = reasons
    }

    init?(index: Int64, leafHash: String, entry: JSONValue) {
        guard let o = entry.objectValue, let time = o["time"]?.stringValue.flatMap(RFC3339.parse),
            let recipient = o["provider"]?.stringValue, let purpose = o["purpose"]?.stringValue
        else { return nil }
        var released = Set<String>()
        var withheld = Set<String>()
        var bases = Set<String>()
        var forms: [String: String] = [:]
        var removed: [String: [String: Int]] = [:]
        var reasons: [String: String] = [:]
        for f in o["fields"]?.arrayValue ?? [] {
            let category = f["category"]?.stringValue ?? "(unmapped)"
            if f["outcome"]?.stringValue == "withheld" {
                withheld.insert(category)
                if reasons[category] == nil, let r = f["reason"]?.stringValue { reasons[category] = r }
            } else {
                released.insert(category)
                if forms[category] == nil, let t = f["transform"]?.stringValue { forms[category] = t }
                for (label, count) in f["scrubbed"]?.objectValue?.members ?? [] {
                    // Counts this service wrote; anything else counts for nothing, never a trap.
                    let n = count.numberText.flatMap { Int($0) }.map { max(0, min($0, 1_000_000_000)) } ?? 0
                    removed[category, default: [:]][label, default: 0] += n
                }
            }
            if let b = f["basis"]?.stringValue { bases.insert(b) }
        }
        self.init(
            index: index, leafHash: leafHash, time: time, recipient: recipient, purpose: purpose, released: released.sorted(),
            withheld: withheld.subtracting(released).sorted(), bases: bases.sorted(), refused: o["refused"]?.stringValue,
            forms: forms, reasons: reasons.filter { !released.contains($0.key) })
        self.removed = removed
    }
}

/// What the accounting says of a disclosure a recall named: which recall, why, which categories
/// it asked back, how far it went.
struct RecallMark: Sendable, Equatable {
    var id: String
    var cause: String
    var categories: [String]
    var status: String
    var openedAt: Date
    var acknowledgedAt: Date?

    var json: JSONValue {
        .object(
            JSONObject([
                ("id", .string(id)), ("cause", .string(cause)), ("categories", .array(categories.map(JSONValue.string))),
                ("status", .string(status)), ("opened_at", .string(RFC3339.format(openedAt))),
                ("acknowledged_at", acknowledgedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ]))
    }

    /// `acknowledged rcl-… (health.substance_use)` for a spreadsheet cell.
    var text: String { "\(status) \(id) (\(categories.joined(separator: " ")))" }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }

    fileprivate var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }
}

/// Which disclosures an accounting shows.
struct AccountingQuery: Sendable {
    enum Scope: String, Sendable {
        /// Every recipient (GDPR art. 15(1)(c)).
        case all
        /// Leaves out purposes the bundle marks `accountable: false` (HIPAA 164.528).
        case hipaa
    }

    var scope: Scope = .all
    var from: Date?
    var until: Date?

    func includes(_ row: AccountingRow, bundle: PolicyBundle?) -> Bool {
        inPeriod(row) && !leftOutByScope(row, bundle: bundle)
    }

    func inPeriod(_ row: AccountingRow) -> Bool {
        if let from, row.time < from { return false }
        if let until, row.time >= until { return false }
        return true
    }

    /// A disclosure in the period that HIPAA's accounting leaves out (a purpose the bundle marks
    /// `accountable: false`: treatment, payment, health care operations, 164.528(a)(1)).
    func leftOutByScope(_ row: AccountingRow, bundle: PolicyBundle?) -> Bool {
        scope == .hipaa && bundle?.purposes[row.purpose]?.accountable == false
    }
}
