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
    /// For a disclosure under a legal exception: its review item and the alert announcing it,
    /// written in the same transaction as the entry, so that neither exists without the other.
    public var review: ExceptionReview?
    public var alert: [UInt8]?
    /// The tokens and pseudonyms this disclosure released, indexed in the same transaction for
    /// leak tracing (the first disclosure of each is the one the index keeps).
    public var references: [ReleasedReference]
    /// For a recall's entry: the step it records, applied to the recall in the same transaction,
    /// so that a recall's status never runs ahead of (or behind) the ledger.
    public var recallStep: RecallStep?

    public init(
        disclosureID: String, subjectID: String, providerID: String, purpose: String, recordedAt: Date, entry: [UInt8],
        review: ExceptionReview? = nil, alert: [UInt8]? = nil, references: [ReleasedReference] = [],
        recallStep: RecallStep? = nil
    ) {
        self.recallStep = recallStep
        self.references = references
        self.review = review
        self.alert = alert
        self.disclosureID = disclosureID
        self.subjectID = subjectID
        self.providerID = providerID
        self.purpose = purpose
        self.recordedAt = recordedAt
        self.entry = entry
    }
}

/// Where an entry landed: its index, its leaf hash, and a signed checkpoint of a tree that
/// includes it (nil when the store signs no checkpoints).
public struct LedgerReceipt: Sendable, Equatable {
    public var index: Int64
    public var leafHash: [UInt8]
    public var checkpoint: String?

    public init(index: Int64, leafHash: [UInt8], checkpoint: String? = nil) {
        self.index = index
        self.leafHash = leafHash
        self.checkpoint = checkpoint
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

/// A signed checkpoint the store kept.
public struct StoredCheckpoint: Sendable, Equatable {
    public var size: UInt64
    public var root: [UInt8]
    /// The whole signed note.
    public var note: String
    public var createdAt: Date

    public init(size: UInt64, root: [UInt8], note: String, createdAt: Date) {
        self.size = size
        self.root = root
        self.note = note
        self.createdAt = createdAt
    }
}

/// Signs a checkpoint for a tree of `size` leaves with `root`, returning the signed note.
public typealias CheckpointSigner = @Sendable (_ size: UInt64, _ root: [UInt8]) throws -> String
