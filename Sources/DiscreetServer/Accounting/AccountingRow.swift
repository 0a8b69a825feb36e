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

    init(
        index: Int64, leafHash: String, time: Date, recipient: String, purpose: String, released: [String], withheld: [String],
        bases: [String], refused: String? = nil
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
    }

    init?(index: Int64, leafHash: String, entry: JSONValue) {
        guard let o = entry.objectValue, let time = o["time"]?.stringValue.flatMap(RFC3339.parse),
            let recipient = o["provider"]?.stringValue, let purpose = o["purpose"]?.stringValue
        else { return nil }
        var released = Set<String>()
        var withheld = Set<String>()
        var bases = Set<String>()
        for f in o["fields"]?.arrayValue ?? [] {
            let category = f["category"]?.stringValue ?? "(unmapped)"
            if f["outcome"]?.stringValue == "withheld" { withheld.insert(category) } else { released.insert(category) }
            if let b = f["basis"]?.stringValue { bases.insert(b) }
        }
        self.init(
            index: index, leafHash: leafHash, time: time, recipient: recipient, purpose: purpose, released: released.sorted(),
            withheld: withheld.subtracting(released).sorted(), bases: bases.sorted(), refused: o["refused"]?.stringValue)
    }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }
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
        if let from, row.time < from { return false }
        if let until, row.time >= until { return false }
        if scope == .hipaa, bundle?.purposes[row.purpose]?.accountable == false { return false }
        return true
    }
}
