import Foundation

/// One disclosure to append: the canonical entry bytes (the RFC 6962 leaf data) and the columns
/// the accounting queries on. The entry holds no field value.
public struct LedgerAppend: Sendable {
    public var disclosureID: String
    public var subjectID: String
    public var providerID: String
    public var purpose: String
    public var recordedAt: Date
    public var entry: [UInt8]

    public init(disclosureID: String, subjectID: String, providerID: String, purpose: String, recordedAt: Date, entry: [UInt8]) {
        self.disclosureID = disclosureID
        self.subjectID = subjectID
        self.providerID = providerID
        self.purpose = purpose
        self.recordedAt = recordedAt
        self.entry = entry
    }
}

/// Where an entry landed: its index in the log and its leaf hash.
public struct LedgerReceipt: Sendable, Equatable {
    public var index: Int64
    public var leafHash: [UInt8]

    public init(index: Int64, leafHash: [UInt8]) {
        self.index = index
        self.leafHash = leafHash
    }
}

/// A stored entry as read back.
public struct LedgerEntry: Sendable, Equatable {
    public var index: Int64
    public var leafHash: [UInt8]
    public var entry: [UInt8]

    public init(index: Int64, leafHash: [UInt8], entry: [UInt8]) {
        self.index = index
        self.leafHash = leafHash
        self.entry = entry
    }
}
