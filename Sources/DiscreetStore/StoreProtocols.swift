import DiscreetLedger
import DiscreetPolicy
import Foundation

/// Providers and their agreements, with their history: every change is kept as a version dated
/// by the caller's clock, in the same transaction, so that a replay can ask what agreements were
/// in force at an entry's instant (`provider(id:at:)`).
public protocol ProviderStore: Sendable {
    /// Creates or replaces; returns true when the provider is new.
    func putProvider(_ provider: Provider, at time: Date) async throws -> Bool
    /// Creates or replaces a provider's kind, agreements and competitors in one transaction,
    /// keeping the suspension the store holds (a new provider starts unsuspended): a suspend that
    /// lands while a replacement is in flight is never undone. Returns the provider as stored.
    func replaceProviderKeepingSuspension(_ provider: Provider, at time: Date) async throws
        -> (provider: Provider, created: Bool)
    func provider(id: String) async throws -> Provider?
    func providers() async throws -> [Provider]
    /// Returns false when there was no such provider.
    func deleteProvider(id: String, at time: Date) async throws -> Bool
    /// Returns the updated provider, or nil when there is none.
    func setSuspended(providerID: String, _ suspended: Bool, at time: Date) async throws -> Provider?
    /// The provider as it stood at `time`: the newest version dated at or before it.
    func provider(id: String, at time: Date) async throws -> ProviderAsOf
    /// Every version of the provider, oldest first (a replay reads each provider's once).
    func providerVersions(id: String) async throws -> [ProviderVersion]
}

/// One version of a provider: what held from `validFrom` (`.distantPast`-like 1970 for a version
/// carried over from before history), nil once deleted.
public struct ProviderVersion: Sendable, Equatable {
    public var validFrom: Date
    public var provider: Provider?

    public init(validFrom: Date, provider: Provider?) {
        self.validFrom = validFrom
        self.provider = provider
    }
}

extension [ProviderVersion] {
    /// The version in force at `time` among these, oldest first: the last one dated at or before it.
    public func asOf(_ time: Date) -> ProviderAsOf {
        guard let v = last(where: { $0.validFrom <= time }) else { return ProviderAsOf(provider: nil, predatesHistory: false) }
        return ProviderAsOf(
            provider: v.provider, predatesHistory: v.validFrom.timeIntervalSince1970 == ProviderAsOf.beforeHistory)
    }
}

/// A provider as it stood at an instant.
public struct ProviderAsOf: Sendable, Equatable {
    /// Nil when it did not exist then, or had been deleted.
    public var provider: Provider?
    /// The version found was already there when the store began keeping history (it is dated
    /// "since before history"): what held before that cannot be told.
    public var predatesHistory: Bool

    public init(provider: Provider?, predatesHistory: Bool) {
        self.provider = provider
        self.predatesHistory = predatesHistory
    }

    /// The `valid_from` of a version carried over from before history was kept.
    public static let beforeHistory: Double = 0
}

extension ProviderStore {
    /// Dated now by the store's clock; the service passes its own clock's instant.
    public func putProvider(_ provider: Provider) async throws -> Bool { try await putProvider(provider, at: Date()) }

    public func replaceProviderKeepingSuspension(_ provider: Provider) async throws -> (provider: Provider, created: Bool) {
        try await replaceProviderKeepingSuspension(provider, at: Date())
    }

    public func deleteProvider(id: String) async throws -> Bool { try await deleteProvider(id: id, at: Date()) }

    public func setSuspended(providerID: String, _ suspended: Bool) async throws -> Provider? {
        try await setSuspended(providerID: providerID, suspended, at: Date())
    }
}

/// Subjects' tags and restrictions.
public protocol SubjectStore: Sendable {
    func putSubject(_ subject: Subject) async throws -> Bool
    func subject(id: String) async throws -> Subject?
}

/// Consents, with their whole history: a withdrawn consent is kept, marked withdrawn.
public protocol ConsentStore: Sendable {
    func insertConsent(_ consent: Consent) async throws
    func consents(subjectID: String) async throws -> [Consent]
    /// A subject's consent by its id or by its grant receipt's id. (Withdrawing is
    /// `RecallStore.withdraw(_:openingRecalls:)`: a withdrawal never commits without its recalls.)
    func consent(subjectID: String, idOrReceiptID: String) async throws -> Consent?
}

/// Bulk import of consents, staged so that an all-or-nothing import never holds the write lock
/// while its body is still arriving.
public protocol ConsentImportStore: Sendable {
    /// Adds consents to an import's staging area.
    func stageConsents(importID: String, _ consents: [Consent]) async throws
    /// Moves every staged consent of the import into place in one transaction; returns how many.
    func commitStagedConsents(importID: String) async throws -> Int
    func discardStagedConsents(importID: String) async throws
    /// Inserts consents in one transaction.
    func insertConsents(_ consents: [Consent]) async throws
}

/// API keys, stored as digests.
public protocol KeyStore: Sendable {
    func insertKey(_ key: APIKeyRecord) async throws
    func key(id: String) async throws -> APIKeyRecord?
    func keyCount() async throws -> Int
    /// Inserts `key` only when the store holds no key, atomically: of replicas starting together
    /// on an empty store, one makes the bootstrap key. True when it was inserted.
    func insertFirstKey(_ key: APIKeyRecord) async throws -> Bool
}

/// Accepted policy bundles; the newest is in force.
public protocol PolicyStore: Sendable {
    /// Stores a new revision and returns it.
    func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy
    func currentPolicy() async throws -> StoredPolicy?
}

/// The append-only log of disclosures, kept as an RFC 6962 Merkle tree.
public protocol DisclosureLedger: Sendable {
    /// Appends durably; when this returns, the entry survives a crash. Throws when it cannot.
    /// Concurrent appends share one transaction and one sync (group commit).
    func append(_ entry: LedgerAppend) async throws -> LedgerReceipt
    /// Appends several entries in one transaction: all durable, or none (then it throws). The
    /// receipts are in the entries' order.
    func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt]
    /// The entries about one subject, oldest first.
    func entries(subjectID: String) async throws -> [LedgerEntry]
    /// At most `limit` of them, from the first after index `after` (from the first when nil).
    func entries(subjectID: String, after: Int64?, limit: Int) async throws -> [LedgerEntry]
    /// The subject's delivery records (entries whose id starts `dlv-`): few, read whole to mark a page.
    func deliveryEntries(subjectID: String) async throws -> [LedgerEntry]
    func entryCount() async throws -> Int64
    func entry(index: Int64) async throws -> LedgerEntry?
    /// At most `limit` entries from index `start`, in index order (tiles' entry bundles, `verify`).
    func entries(from start: Int64, limit: Int) async throws -> [LedgerEntry]
    /// The committed tree: its size and root.
    func treeHead() async throws -> (size: UInt64, root: [UInt8])
    /// Stored hashes of complete subtrees; a proof needs O(log n) of them.
    func subtreeHashes(_ ids: [NodeID]) async throws -> [NodeID: [UInt8]]
    /// The newest stored checkpoint, first signing and storing one for the current tree when it
    /// has grown since (checkpoints on demand).
    func currentCheckpoint(now: Date) async throws -> StoredCheckpoint?
}

/// Exception disclosures awaiting, or having had, a second person's review.
public protocol ExceptionReviewStore: Sendable {
    func exceptionReviews(status: ExceptionReview.Status?) async throws -> [ExceptionReview]
    func exceptionReview(id: String) async throws -> ExceptionReview?
    /// Records the verdict of a pending review; throws `ReviewRefusal`.
    func recordReview(
        id: String, verdict: ExceptionReview.Status, reviewer: String, comment: String, by keyID: String, at: Date
    ) async throws -> ExceptionReview
}

/// Alerts kept until delivered: a webhook that is down delays them, never loses them.
public protocol AlertOutbox: Sendable {
    func enqueueAlert(_ body: [UInt8], at: Date) async throws
    /// Alerts due at `now`, oldest first.
    func dueAlerts(now: Date, limit: Int) async throws -> [OutboxAlert]
    func markDelivered(alertID: Int64, at: Date) async throws
    func markFailed(alertID: Int64, attempts: Int, retryAt: Date, error: String) async throws
    func undeliveredAlertCount() async throws -> Int
}

/// What the engine needs for one request, read in one consistent snapshot.
public struct DecisionState: Sendable {
    public var provider: Provider?
    public var subject: Subject?
    public var consents: [Consent]

    public init(provider: Provider?, subject: Subject?, consents: [Consent]) {
        self.provider = provider
        self.subject = subject
        self.consents = consents
    }
}

public protocol DecisionStateReader: Sendable {
    func decisionState(providerID: String, subjectID: String) async throws -> DecisionState
}

/// Everything the service keeps. SQLite implements it for one node; a PostgreSQL implementation
/// for several replicas will satisfy the same protocols.
public protocol DiscreetStore: ProviderStore, SubjectStore, ConsentStore, KeyStore, PolicyStore, DisclosureLedger,
    DecisionStateReader, ExceptionReviewStore, AlertOutbox, ConsentImportStore, ReferenceStore, CosignatureStore, RecallStore
{
    /// Whether the store can be read and written now (readiness).
    func isWritable() async -> Bool
}
