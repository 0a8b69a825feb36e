import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import PostgresNIO

/// The batch writer of a ledger shared by replicas (`GroupCommit` queues the appends): each batch
/// is one transaction that locks the coordination row (`ledger_head`, `SELECT … FOR UPDATE`),
/// takes the next indexes from it, inserts the entries and the subtree hashes they complete,
/// stores the new size and right edge, and commits. Replicas take turns on that row, so indexes
/// are gap-free and unique (a rolled-back batch took nothing).
final class PostgresLedgerWriter: LedgerBatchWriter {
    /// How often, at least, a checkpoint is stored while entries arrive.
    static let checkpointInterval: TimeInterval = 1

    let client: PostgresClient
    let signer: CheckpointSigner?
    let logger: Logger

    init(client: PostgresClient, signer: CheckpointSigner?, logger: Logger) {
        self.client = client
        self.signer = signer
        self.logger = logger
    }

    /// One batch (`GroupCommit` bounds the wait for it and reconciles it when its outcome is not
    /// known). Rolled back instead of committed when its commit would come at or after `fence`.
    func write(_ batch: [PendingAppend], fence: ContinuousClock.Instant) async throws -> [LedgerReceipt] {
        try await transaction(batch, fence: fence)
    }

    /// With the head row locked, so that a batch of this replica still committing (its wait was
    /// given up) has ended: its locks are held until its commit or rollback.
    func committed(_ ids: [String]) async throws -> Set<String> {
        let logger = self.logger
        return try await PostgresStore.transaction(client, logger) { tx in
            _ = try await Self.lockedHead(tx, logger)
            var held = Set<String>()
            for try await id in try await tx.query(
                "SELECT disclosure_id FROM disclosures WHERE disclosure_id = ANY(\(ids)::text[])", logger: logger
            ).decode(String.self) {
                held.insert(id)
            }
            return held
        }
    }

    /// One batch in one transaction, in a fixed number of round trips whatever its size (the row
    /// lock is held for as short a time as can be): the head, the entries and the subtree hashes
    /// each as one statement over arrays, the new head, the commit.
    private func transaction(_ batch: [PendingAppend], fence: ContinuousClock.Instant) async throws -> [LedgerReceipt] {
        let signer = self.signer
        let logger = self.logger
        return try await PostgresStore.transaction(client, logger) { tx in
            var (range, checkpointAt) = try await Self.lockedHead(tx, logger)
            var receipts: [LedgerReceipt] = []
            var indexes: [Int64] = []
            var nodeLevels: [Int32] = []
            var nodeIndexes: [Int64] = []
            var nodeHashes: [ByteBuffer] = []
            for p in batch {
                let index = Int64(range.size)
                for (id, hash) in range.append(leafHash: p.leaf) {
                    nodeLevels.append(Int32(id.level))
                    nodeIndexes.append(Int64(id.index))
                    nodeHashes.append(ByteBuffer(bytes: hash))
                }
                indexes.append(index)
                receipts.append(LedgerReceipt(index: index, leafHash: p.leaf))
            }
            let ids = batch.map(\.entry.disclosureID)
            let subjects = batch.map(\.entry.subjectID)
            let providers = batch.map(\.entry.providerID)
            let purposes = batch.map(\.entry.purpose)
            let times = batch.map(\.recordedAt)
            let entries = batch.map { ByteBuffer(bytes: $0.entry.entry) }
            let leaves = batch.map { ByteBuffer(bytes: $0.leaf) }
            try await tx.query(
                """
                INSERT INTO disclosures
                    (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                SELECT * FROM unnest(\(indexes)::bigint[], \(ids)::text[], \(subjects)::text[], \(providers)::text[],
                                     \(purposes)::text[], \(times)::text[], \(entries)::bytea[], \(leaves)::bytea[])
                """, logger: logger)
            try await tx.query(
                """
                INSERT INTO merkle_nodes (level, idx, hash)
                SELECT * FROM unnest(\(nodeLevels)::int[], \(nodeIndexes)::bigint[], \(nodeHashes)::bytea[])
                """, logger: logger)
            try await Self.insertReferences(batch, indexes, tx, logger)
            for (p, index) in zip(batch, indexes) {
                if var review = p.entry.review {
                    review.ledgerIndex = index
                    try await PostgresStore.insertReview(review, tx, logger)
                }
                if let alert = p.entry.alert {
                    try await PostgresStore.insertAlert(alert, at: p.entry.recordedAt, tx, logger)
                }
                if let step = p.entry.recallStep { try await PostgresStore.apply(step, index: index, tx, logger) }
            }
            if let signer {
                let note = try signer(range.size, range.root)
                for i in receipts.indices { receipts[i].checkpoint = note }
                let now = batch.map(\.entry.recordedAt).max()!
                if checkpointAt.map({ now.timeIntervalSince($0) >= Self.checkpointInterval }) ?? true {
                    try await Self.storeCheckpoint(size: range.size, root: range.root, note: note, at: now, tx, logger)
                    checkpointAt = now
                }
            }
            let size = Int64(range.size)
            let edge = ByteBuffer(bytes: range.hashes.flatMap { $0 })
            let at = checkpointAt?.timeIntervalSince1970
            try await tx.query(
                "UPDATE ledger_head SET size = \(size), edge = \(edge), checkpoint_at = \(at) WHERE id = 1", logger: logger)
            // The commit follows this closure: past the fence, the callers were answered already.
            guard ContinuousClock.now < fence else { throw LedgerFenceReached() }
            return receipts
        }
    }

    /// Indexes the batch's released tokens and pseudonyms in one statement; the first disclosure
    /// of each stays.
    static func insertReferences(
        _ batch: [PendingAppend], _ indexes: [Int64], _ tx: PostgresConnection, _ logger: Logger
    ) async throws {
        var values: [String] = []
        var kinds: [String] = []
        var providers: [String] = []
        var subjects: [String] = []
        var fields: [String] = []
        var firsts: [Int64] = []
        for (p, index) in zip(batch, indexes) {
            for r in p.entry.references {
                values.append(r.value)
                kinds.append(r.kind.rawValue)
                providers.append(p.entry.providerID)
                subjects.append(p.entry.subjectID)
                fields.append(r.field)
                firsts.append(index)
            }
        }
        guard !values.isEmpty else { return }
        try await tx.query(
            """
            INSERT INTO disclosed_references (reference, kind, provider_id, subject_id, field, first_index)
            SELECT * FROM unnest(\(values)::text[], \(kinds)::text[], \(providers)::text[], \(subjects)::text[],
                                 \(fields)::text[], \(firsts)::bigint[])
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// The head, locked for this transaction, with when a checkpoint was last stored.
    static func lockedHead(_ connection: PostgresConnection, _ logger: Logger) async throws -> (CompactRange, Date?) {
        for try await (size, edge, at) in try await connection.query(
            "SELECT size, edge, checkpoint_at FROM ledger_head WHERE id = 1 FOR UPDATE", logger: logger
        ).decode((Int64, ByteBuffer, Double?).self) {
            return (try range(size: size, edge: edge), at.map(Date.init(timeIntervalSince1970:)))
        }
        throw PostgresStoreDamaged(detail: "the ledger head row is missing")
    }

    static func range(size: Int64, edge: ByteBuffer) throws -> CompactRange {
        let bytes = PostgresStore.bytes(edge)
        guard size >= 0, bytes.count == ProofPlan.subtrees(0..<UInt64(size)).count * 32 else {
            throw PostgresStoreDamaged(detail: "the ledger head's right edge does not fit its size")
        }
        let hashes = stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<$0 + 32]) }
        return CompactRange(size: UInt64(size), hashes: hashes)
    }

    /// The tree's size and right edge as committed.
    static func head(_ connection: PostgresConnection, _ logger: Logger) async throws -> CompactRange {
        for try await (size, edge) in try await connection.query(
            "SELECT size, edge FROM ledger_head WHERE id = 1", logger: logger
        ).decode((Int64, ByteBuffer).self) {
            return try range(size: size, edge: edge)
        }
        throw PostgresStoreDamaged(detail: "the ledger head row is missing")
    }

    static func storeCheckpoint(
        size: UInt64, root: [UInt8], note: String, at: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO checkpoints (size, root, note, created_at)
            VALUES (\(Int64(size)), \(ByteBuffer(bytes: root)), \(note), \(RFC3339.format(at))) ON CONFLICT (size) DO NOTHING
            """, logger: logger)
    }
}
