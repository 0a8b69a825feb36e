import DiscreetJSON

/// Recomputes a ledger from its entries and checks it against what the log recorded: the stored
/// leaf hashes, the stored subtree hashes and every signed checkpoint. The first disagreement is
/// located and named: an entry edited, removed, inserted or reordered, or a column the store finds
/// it by (its subject, provider, ...) no longer matching it.
///
/// Pure: the caller reads a consistent snapshot of the store and hands it in.
public struct LedgerAudit {
    public struct Row: Sendable {
        public var index: Int64
        public var entry: [UInt8]
        public var storedLeafHash: [UInt8]
        /// The columns the store keeps beside the entry to find it (by subject, provider, ...);
        /// nil where the store keeps none.
        public var columns: IndexColumns?

        public init(index: Int64, entry: [UInt8], storedLeafHash: [UInt8], columns: IndexColumns? = nil) {
            self.index = index
            self.entry = entry
            self.storedLeafHash = storedLeafHash
            self.columns = columns
        }
    }

    /// What a store indexes an entry by. These are not hashed, so each is checked against the
    /// hashed entry: a row moved to another subject would otherwise vanish from that person's
    /// accounting while the tree still verifies.
    public struct IndexColumns: Sendable, Equatable {
        public var disclosureID: String
        public var subjectID: String
        public var providerID: String
        public var purpose: String
        public var recordedAt: String

        public init(disclosureID: String, subjectID: String, providerID: String, purpose: String, recordedAt: String) {
            self.disclosureID = disclosureID
            self.subjectID = subjectID
            self.providerID = providerID
            self.purpose = purpose
            self.recordedAt = recordedAt
        }

        /// The columns as the entry itself states them; nil when the entry is not a JSON object
        /// holding each of them as a string.
        public init?(entry: [UInt8]) {
            guard let o = (try? JSONParser.parse(entry))?.objectValue,
                let id = o["id"]?.stringValue, let subject = o["subject"]?.stringValue,
                let provider = o["provider"]?.stringValue, let purpose = o["purpose"]?.stringValue,
                let time = o["time"]?.stringValue
            else { return nil }
            self.init(disclosureID: id, subjectID: subject, providerID: provider, purpose: purpose, recordedAt: time)
        }

        /// The name of the first column that differs from `other`'s, or nil.
        public func firstDifference(from other: IndexColumns) -> String? {
            if disclosureID != other.disclosureID { return "disclosure_id" }
            if subjectID != other.subjectID { return "subject_id" }
            if providerID != other.providerID { return "provider_id" }
            if purpose != other.purpose { return "purpose" }
            if recordedAt != other.recordedAt { return "recorded_at" }
            return nil
        }
    }

    public struct SignedHead: Sendable {
        public var size: UInt64
        public var note: String

        public init(size: UInt64, note: String) {
            self.size = size
            self.note = note
        }
    }

    public enum Finding: Sendable, Equatable, CustomStringConvertible {
        case edited(index: UInt64)
        case removed(index: UInt64)
        case inserted(index: UInt64)
        case reordered(index: UInt64)
        /// A subtree hash the log recorded disagrees with the entries (the record itself was altered).
        case subtreeMismatch(NodeID)
        case checkpointUnsigned(size: UInt64)
        case checkpointMismatch(size: UInt64)
        case checkpointBeyondLog(size: UInt64)
        /// The entry hashes as recorded but is not a readable entry.
        case unreadableEntry(index: UInt64)
        /// A column the store finds the entry by disagrees with the hashed entry.
        case columnMismatch(index: UInt64, column: String)

        public var index: UInt64? {
            switch self {
            case .edited(let i), .removed(let i), .inserted(let i), .reordered(let i), .unreadableEntry(let i),
                .columnMismatch(let i, _):
                i
            case .subtreeMismatch(let id): id.leaves.lowerBound
            default: nil
            }
        }

        public var description: String {
            switch self {
            case .edited(let i): "entry \(i) was edited: it no longer hashes to the leaf the log recorded"
            case .removed(let i): "entry \(i) was removed"
            case .inserted(let i): "an entry was inserted at index \(i)"
            case .reordered(let i): "entries \(i) and \(i + 1) were reordered"
            case .subtreeMismatch(let id):
                "the recorded subtree \(id) (from entry \(id.leaves.lowerBound)) disagrees with the entries"
            case .checkpointUnsigned(let s): "the checkpoint of size \(s) is not signed by the ledger key"
            case .checkpointMismatch(let s): "the signed checkpoint of size \(s) does not match the entries before it"
            case .checkpointBeyondLog(let s): "the signed checkpoint of size \(s) covers more entries than the log holds"
            case .unreadableEntry(let i): "entry \(i) hashes as recorded but is not a readable ledger entry"
            case .columnMismatch(let i, let column):
                "entry \(i)'s stored \(column) was changed: it no longer matches the hashed entry"
            }
        }
    }

    public struct Report: Sendable {
        public var entries: UInt64
        public var subtreesChecked: Int
        public var checkpointsChecked: Int
        public var root: [UInt8]
        /// The first problem found, or nil when everything holds.
        public var finding: Finding?
    }

    /// - Parameters:
    ///   - rows: the ledger rows in stored index order.
    ///   - leafNodes: the stored level-0 subtree hashes, by index (the log's own record of each leaf).
    ///   - subtrees: every stored subtree hash.
    ///   - checkpoints: every stored checkpoint.
    public static func run(
        rows: [Row], leafNodes: [UInt64: [UInt8]], subtrees: [NodeID: [UInt8]], checkpoints: [SignedHead],
        verifier: NoteVerifierKey
    ) -> Report {
        let leaves = rows.map { RFC6962.leafHash($0.entry) }
        var finding: Finding?
        // 1. Positions and leaves, against the log's own record of each leaf.
        for (i, row) in rows.enumerated() where finding == nil {
            let position = UInt64(i)
            if row.index != Int64(i) {
                finding = row.index > Int64(i) ? .removed(index: position) : .inserted(index: position)
            } else if leaves[i] != row.storedLeafHash || leaves[i] != leafNodes[position] {
                finding = classify(at: i, leaves: leaves, recorded: leafNodes)
            } else if let stored = row.columns {
                if let hashed = IndexColumns(entry: row.entry) {
                    if let column = stored.firstDifference(from: hashed) {
                        finding = .columnMismatch(index: position, column: column)
                    }
                } else {
                    finding = .unreadableEntry(index: position)
                }
            }
        }
        if finding == nil, let extra = leafNodes.keys.filter({ $0 >= UInt64(rows.count) }).min() {
            finding = .removed(index: extra)
        }
        // 2. The tree, subtree by subtree, and at every checkpoint's size.
        var range = CompactRange()
        var checked = 0
        let bySize = Dictionary(grouping: checkpoints, by: \.size)
        var checkpointsChecked = 0
        func checkCheckpoints(at size: UInt64, root: [UInt8]) {
            for c in bySize[size] ?? [] {
                checkpointsChecked += 1
                guard let opened = try? Checkpoint.open(c.note, verifier: verifier), opened.size == size else {
                    if finding == nil { finding = .checkpointUnsigned(size: size) }
                    continue
                }
                if opened.root != root, finding == nil { finding = .checkpointMismatch(size: size) }
            }
        }
        checkCheckpoints(at: 0, root: range.root)
        for leaf in leaves {
            for (id, hash) in range.append(leafHash: leaf) where id.level > 0 {
                checked += 1
                if subtrees[id] != hash, finding == nil { finding = .subtreeMismatch(id) }
            }
            checkCheckpoints(at: range.size, root: range.root)
        }
        if finding == nil, let beyond = checkpoints.map(\.size).filter({ $0 > range.size }).min() {
            finding = .checkpointBeyondLog(size: beyond)
        }
        return Report(
            entries: range.size, subtreesChecked: checked, checkpointsChecked: checkpointsChecked, root: range.root,
            finding: finding)
    }

    /// Names the change at the first position whose leaf the log did not record there, by looking
    /// one position ahead: a removal shifts the next entry down, an insertion shifts this one up,
    /// a swap exchanges two neighbours.
    static func classify(at i: Int, leaves: [[UInt8]], recorded: [UInt64: [UInt8]]) -> Finding {
        let here = UInt64(i)
        let next = i + 1 < leaves.count ? leaves[i + 1] : nil
        if let next, next == recorded[here], leaves[i] == recorded[here + 1] { return .reordered(index: here) }
        if leaves[i] == recorded[here + 1] { return .removed(index: here) }
        if let next, next == recorded[here] { return .inserted(index: here) }
        return .edited(index: here)
    }
}
