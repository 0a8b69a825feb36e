import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Group commit for a ledger shared by replicas. Appends that arrive while a batch is being
/// written wait and go into the next; each batch is one transaction that locks the coordination
/// row (`ledger_head`, `SELECT … FOR UPDATE`), takes the next indexes from it, inserts the entries
/// and the subtree hashes they complete, stores the new size and right edge, and commits. Replicas
/// take turns on that row, so indexes are gap-free and unique (a rolled-back batch took nothing),
/// and an append's caller is answered only after its batch committed.
final class PostgresLedgerWriter: Sendable {
    struct Pending: Sendable {
        var entry: LedgerAppend
        var leaf: [UInt8]
        var recordedAt: String
        var continuation: CheckedContinuation<LedgerReceipt, any Error>
    }

    struct State {
        var queue: [Pending] = []
        var writing = false
    }

    /// How often, at least, a checkpoint is stored while entries arrive.
    static let checkpointInterval: TimeInterval = 1

    let client: PostgresClient
    let signer: CheckpointSigner?
    let logger: Logger
    let state = NIOLockedValueBox(State())

    init(client: PostgresClient, signer: CheckpointSigner?, logger: Logger) {
        self.client = client
        self.signer = signer
        self.logger = logger
    }

    func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        let leaf = RFC6962.leafHash(entry.entry)
        let recordedAt = RFC3339.format(entry.recordedAt)
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLockedValue { s -> Bool in
                s.queue.append(Pending(entry: entry, leaf: leaf, recordedAt: recordedAt, continuation: continuation))
                if s.writing { return false }
                s.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLockedValue { s in
                let batch = s.queue
                s.queue = []
                if batch.isEmpty { s.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let receipts = try await write(batch)
                for (p, r) in zip(batch, receipts) { p.continuation.resume(returning: r) }
            } catch {
                for p in batch { p.continuation.resume(throwing: error) }
            }
        }
    }

    private func write(_ batch: [Pending]) async throws -> [LedgerReceipt] {
        let signer = self.signer
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { tx in
            var range = try await Self.head(tx, forUpdate: true, logger)
            var receipts: [LedgerReceipt] = []
            for p in batch {
                let index = Int64(range.size)
                let nodes = range.append(leafHash: p.leaf)
                try await tx.query(
                    """
                    INSERT INTO disclosures
                        (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                    VALUES (\(index), \(p.entry.disclosureID), \(p.entry.subjectID), \(p.entry.providerID),
                            \(p.entry.purpose), \(p.recordedAt), \(ByteBuffer(bytes: p.entry.entry)), \(ByteBuffer(bytes: p.leaf)))
                    """, logger: logger)
                for (id, hash) in nodes {
                    try await tx.query(
                        "INSERT INTO merkle_nodes (level, idx, hash) VALUES (\(id.level), \(Int64(id.index)), \(ByteBuffer(bytes: hash)))",
                        logger: logger)
                }
                if var review = p.entry.review {
                    review.ledgerIndex = index
                    try await PostgresStore.insertReview(review, tx, logger)
                }
                if let alert = p.entry.alert { try await PostgresStore.insertAlert(alert, at: p.entry.recordedAt, tx, logger) }
                receipts.append(LedgerReceipt(index: index, leafHash: p.leaf))
            }
            let size = Int64(range.size)
            let edge = ByteBuffer(bytes: range.hashes.flatMap { $0 })
            try await tx.query("UPDATE ledger_head SET size = \(size), edge = \(edge) WHERE id = 1", logger: logger)
            if let signer {
                let note = try signer(range.size, range.root)
                for i in receipts.indices { receipts[i].checkpoint = note }
                let now = batch.map(\.entry.recordedAt).max()!
                let last = try await Self.latestCheckpointTime(tx, logger)
                if last.map({ now.timeIntervalSince($0) >= Self.checkpointInterval }) ?? true {
                    try await Self.storeCheckpoint(size: range.size, root: range.root, note: note, at: now, tx, logger)
                }
            }
            return receipts
        }
    }

    /// The tree's size and right edge as committed, locked for this transaction when `forUpdate`.
    static func head(_ connection: PostgresConnection, forUpdate: Bool, _ logger: Logger) async throws -> CompactRange {
        let query: PostgresQuery =
            forUpdate
            ? "SELECT size, edge FROM ledger_head WHERE id = 1 FOR UPDATE" : "SELECT size, edge FROM ledger_head WHERE id = 1"
        for try await (size, edge) in try await connection.query(query, logger: logger).decode((Int64, ByteBuffer).self) {
            let bytes = PostgresStore.bytes(edge)
            let expected = ProofPlan.subtrees(0..<UInt64(size)).count
            guard size >= 0, bytes.count == expected * 32 else {
                throw PostgresStoreDamaged(detail: "the ledger head's right edge does not fit its size")
            }
            let hashes = stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<$0 + 32]) }
            return CompactRange(size: UInt64(size), hashes: hashes)
        }
        throw PostgresStoreDamaged(detail: "the ledger head row is missing")
    }

    static func latestCheckpointTime(_ connection: PostgresConnection, _ logger: Logger) async throws -> Date? {
        let rows = try await connection.query("SELECT created_at FROM checkpoints ORDER BY size DESC LIMIT 1", logger: logger)
        for try await created in rows.decode(String.self) { return RFC3339.parse(created) }
        return nil
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
