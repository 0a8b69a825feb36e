/// Every row of a store, as both backends keep them (documents as canonical JSON text, times as
/// RFC 3339 text or epoch seconds): what `discreet migrate` copies from SQLite to PostgreSQL,
/// unchanged, so that the copy's ledger verifies with the same key.
public struct StoreRows: Sendable {
    /// One version of a provider: its document from `validFrom` (seconds since 1970), nil once deleted.
    public struct ProviderVersionRow: Sendable {
        public var providerID: String
        public var validFrom: Double
        public var doc: String?

        public init(providerID: String, validFrom: Double, doc: String?) {
            self.providerID = providerID
            self.validFrom = validFrom
            self.doc = doc
        }
    }

    public struct Document: Sendable {
        public var id: String
        public var doc: String

        public init(id: String, doc: String) {
            self.id = id
            self.doc = doc
        }
    }

    public struct ConsentRow: Sendable {
        public var id: String
        public var subjectID: String
        public var receiptID: String?
        public var doc: String

        public init(id: String, subjectID: String, receiptID: String?, doc: String) {
            self.id = id
            self.subjectID = subjectID
            self.receiptID = receiptID
            self.doc = doc
        }
    }

    public struct KeyRow: Sendable {
        public var id: String
        public var digest: [UInt8]
        public var roles: String
        public var label: String
        public var createdAt: String

        public init(id: String, digest: [UInt8], roles: String, label: String, createdAt: String) {
            self.id = id
            self.digest = digest
            self.roles = roles
            self.label = label
            self.createdAt = createdAt
        }
    }

    public struct PolicyRow: Sendable {
        public var revision: Int
        public var label: String
        public var digest: String
        public var source: String
        public var activatedAt: String

        public init(revision: Int, label: String, digest: String, source: String, activatedAt: String) {
            self.revision = revision
            self.label = label
            self.digest = digest
            self.source = source
            self.activatedAt = activatedAt
        }
    }

    public struct EntryRow: Sendable {
        public var index: Int64
        public var disclosureID: String
        public var subjectID: String
        public var providerID: String
        public var purpose: String
        public var recordedAt: String
        public var entry: [UInt8]
        public var leafHash: [UInt8]

        public init(
            index: Int64, disclosureID: String, subjectID: String, providerID: String, purpose: String, recordedAt: String,
            entry: [UInt8], leafHash: [UInt8]
        ) {
            self.index = index
            self.disclosureID = disclosureID
            self.subjectID = subjectID
            self.providerID = providerID
            self.purpose = purpose
            self.recordedAt = recordedAt
            self.entry = entry
            self.leafHash = leafHash
        }
    }

    public struct NodeRow: Sendable {
        public var level: Int
        public var index: Int64
        public var hash: [UInt8]

        public init(level: Int, index: Int64, hash: [UInt8]) {
            self.level = level
            self.index = index
            self.hash = hash
        }
    }

    public struct CheckpointRow: Sendable {
        public var size: Int64
        public var root: [UInt8]
        public var note: String
        public var createdAt: String

        public init(size: Int64, root: [UInt8], note: String, createdAt: String) {
            self.size = size
            self.root = root
            self.note = note
            self.createdAt = createdAt
        }
    }

    public struct ReviewRow: Sendable {
        public var id: String
        public var status: String
        public var invokedAt: Double
        public var doc: String

        public init(id: String, status: String, invokedAt: Double, doc: String) {
            self.id = id
            self.status = status
            self.invokedAt = invokedAt
            self.doc = doc
        }
    }

    public struct AlertRow: Sendable {
        public var body: [UInt8]
        public var createdAt: Double
        public var attempts: Int
        public var nextAttemptAt: Double
        public var deliveredAt: Double?
        public var lastError: String?

        public init(
            body: [UInt8], createdAt: Double, attempts: Int, nextAttemptAt: Double, deliveredAt: Double?, lastError: String?
        ) {
            self.body = body
            self.createdAt = createdAt
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
            self.deliveredAt = deliveredAt
            self.lastError = lastError
        }
    }

    public var providers: [Document] = []
    /// Every version of every provider, oldest first.
    public var providerVersions: [ProviderVersionRow] = []
    public var tokens: [TokenRecord] = []
    public var references: [DisclosedReference] = []
    public var subjects: [Document] = []
    /// In the order they were recorded.
    public var consents: [ConsentRow] = []
    public var keys: [KeyRow] = []
    public var policies: [PolicyRow] = []
    /// In index order.
    public var entries: [EntryRow] = []
    public var nodes: [NodeRow] = []
    public var checkpoints: [CheckpointRow] = []
    /// Witnesses' cosignatures of the checkpoints: evidence, copied with them.
    public var cosignatures: [StoredCosignature] = []
    public var reviews: [ReviewRow] = []
    /// In the order they were queued.
    public var alerts: [AlertRow] = []
    /// Recalls with their delivery state, by id.
    public var recalls: [Recall] = []

    public init() {}
}
