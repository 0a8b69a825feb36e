import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB
import NIOConcurrencyHelpers

/// The SQLite ledger's batch writer (`GroupCommit` queues the appends): each batch is one
/// transaction; with `synchronous = FULL` it returns after the sync.
///
/// The tree's right edge (`CompactRange`) is published only after a commit, so it always
/// describes what is durable.
final class LedgerWriter: LedgerBatchWriter {
    struct State {
        var range: CompactRange
        var lastCheckpointAt: Date?
    }

    /// SQLite has one writing connection: a batch waits for the one before it whatever happens.
    let batchesWaitInTurn = true

    /// How often, at least, a checkpoint is stored while entries arrive.
    static let checkpointInterval: TimeInterval = 1

    let pool: DatabasePool
    let signer: CheckpointSigner?
    /// A pthread mutex (NIO's), as in `GroupCommit`: read by every proof while a batch is written.
    let state: NIOLockedValueBox<State>

    init(pool: DatabasePool, signer: CheckpointSigner?) throws {
        self.pool = pool
        self.signer = signer
        let (range, last) = try pool.read { db in try Self.head(db) }
        state = NIOLockedValueBox(State(range: range, lastCheckpointAt: last))
    }

    /// The tree's right edge and the last checkpoint's time, as the database holds them.
    static func head(_ db: Database) throws -> (CompactRange, Date?) {
        let size = try UInt64(Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM disclosures") ?? 0)
        let ids = ProofPlan.subtrees(0..<size)
        let stored = try Self.hashes(ids, db)
        let range = CompactRange(
            size: size,
            hashes: try ids.map { id in
                guard let h = stored[id] else { throw LedgerStoreError.missingSubtree(id) }
                return h
            })
        let last = try String.fetchOne(db, sql: "SELECT created_at FROM checkpoints ORDER BY size DESC LIMIT 1")
        return (range, last.flatMap(RFC3339.parse))
    }

    var published: CompactRange { state.withLockedValue { $0.range } }

    /// Publishes an edge only if it is ahead of the one published: writes commit one after the
    /// other (SQLite's one writer), so the larger tree is the newer, whichever task publishes last.
    private func publish(_ range: CompactRange, checkpointAt: Date?) {
        state.withLockedValue { s in
            if range.size >= s.range.size { s.range = range }
            if let checkpointAt, checkpointAt > (s.lastCheckpointAt ?? .distantPast) { s.lastCheckpointAt = checkpointAt }
        }
    }

    /// One batch (`GroupCommit` never calls this while another is its turn): written onto the
    /// published edge, which moves only once the transaction committed. Rolled back instead when
    /// its commit comes at or after `fence`.
    func write(_ batch: [PendingAppend], fence: ContinuousClock.Instant) async throws -> [LedgerReceipt] {
        let (range, last) = state.withLockedValue { ($0.range, $0.lastCheckpointAt) }
        let (newRange, receipts, stored) = try await write(batch, onto: range, lastCheckpoint: last, fence: fence)
        publish(newRange, checkpointAt: stored)
        return receipts
    }

    /// In the writer's turn, so a write given up but still running has ended: the head read back
    /// from the database (published, should that write not have published it), and which of `ids`
    /// the ledger holds.
    func committed(_ ids: [String]) async throws -> Set<String> {
        let (range, last, held) = try await pool.write { db in
            let (range, last) = try Self.head(db)
            var held = Set<String>()
            let select = try db.cachedStatement(sql: "SELECT 1 FROM disclosures WHERE disclosure_id = ?")
            for id in ids where try Int.fetchOne(select, arguments: [id]) != nil { held.insert(id) }
            return (range, last, held)
        }
        publish(range, checkpointAt: last)
        return held
    }

    private func write(
        _ batch: [PendingAppend], onto start: CompactRange, lastCheckpoint: Date?, fence: ContinuousClock.Instant
    ) async throws -> (CompactRange, [LedgerReceipt], Date?) {
        let signer = self.signer
        return try await pool.write { db in
            var range = start
            var receipts: [LedgerReceipt] = []
            // Prepared once per connection, not parsed per row.
            let insertEntry = try db.cachedStatement(
                sql: """
                    INSERT INTO disclosures
                        (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for p in batch {
                let index = Int64(range.size)
                let leaf = p.leaf
                try insertEntry.execute(arguments: [
                    index, p.entry.disclosureID, p.entry.subjectID, p.entry.providerID, p.entry.purpose, p.recordedAt,
                    Data(p.entry.entry), Data(leaf),
                ])
                try Self.insert(range.append(leafHash: leaf), db)
                if var review = p.entry.review {
                    review.ledgerIndex = index
                    try SQLiteStore.insertReview(review, db)
                }
                if let alert = p.entry.alert { try SQLiteStore.insertAlert(alert, at: p.entry.recordedAt, db) }
                if let step = p.entry.recallStep { try SQLiteStore.apply(step, index: index, db) }
                try SQLiteStore.insertReferences(p.entry, index: index, db)
                receipts.append(LedgerReceipt(index: index, leafHash: leaf))
            }
            var storedAt: Date?
            if let signer {
                let note = try signer(range.size, range.root)
                for i in receipts.indices { receipts[i].checkpoint = note }
                let now = batch.map(\.entry.recordedAt).max()!
                if lastCheckpoint.map({ now.timeIntervalSince($0) >= Self.checkpointInterval }) ?? true {
                    try Self.storeCheckpoint(size: range.size, root: range.root, note: note, at: now, db)
                    storedAt = now
                }
            }
            // The commit follows this closure: past the fence, the callers were answered already.
            guard ContinuousClock.now < fence else { throw LedgerFenceReached() }
            return (range, receipts, storedAt)
        }
    }

    static func insert(_ nodes: [(NodeID, [UInt8])], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)")
        for (id, hash) in nodes {
            try statement.execute(arguments: [id.level, Int64(id.index), Data(hash)])
        }
    }

    static func storeCheckpoint(size: UInt64, root: [UInt8], note: String, at: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)",
            arguments: [Int64(size), Data(root), note, RFC3339.format(at)])
    }

    static func hashes(_ ids: [NodeID], _ db: Database) throws -> [NodeID: [UInt8]] {
        var out: [NodeID: [UInt8]] = [:]
        let select = try db.cachedStatement(sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")
        for id in ids {
            if let h = try Data.fetchOne(select, arguments: [id.level, Int64(id.index)]) { out[id] = Array(h) }
        }
        return out
    }
}

enum LedgerStoreError: Error, CustomStringConvertible {
    case missingSubtree(NodeID)

    var description: String {
        switch self {
        case .missingSubtree(let id): "the ledger's subtree \(id) is missing: run 'discreet verify'"
        }
    }
}
