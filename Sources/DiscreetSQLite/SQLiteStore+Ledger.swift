import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    public func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        try await ledger.append(entry)
    }

    public func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt] {
        try await ledger.append(entries)
    }

    public func entries(subjectID: String) async throws -> [LedgerEntry] {
        try await pool.read { db in try Self.subjectEntries(subjectID, db) }
    }

    /// The subject's entries in index order, in a read or in a write's transaction (a recall's
    /// opening reads them there).
    static func subjectEntries(_ subjectID: String, _ db: Database) throws -> [LedgerEntry] {
        try Row.fetchAll(
            db, sql: "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = ? ORDER BY ledger_index",
            arguments: [subjectID]
        ).map(entry)
    }

    public func entries(subjectID: String, after: Int64?, limit: Int) async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = ? AND ledger_index > ?
                    ORDER BY ledger_index LIMIT ?
                    """,
                arguments: [subjectID, after ?? -1, limit]
            ).map(Self.entry)
        }
    }

    public func deliveryEntries(subjectID: String) async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = ? AND disclosure_id LIKE 'dlv-%'
                    ORDER BY ledger_index
                    """,
                arguments: [subjectID]
            ).map(Self.entry)
        }
    }

    public func entries(from start: Int64, limit: Int) async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE ledger_index >= ? ORDER BY ledger_index LIMIT ?",
                arguments: [start, limit]
            ).map(Self.entry)
        }
    }

    public func entry(index: Int64) async throws -> LedgerEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE ledger_index = ?", arguments: [index]
            )
            .map(Self.entry)
        }
    }

    static func entry(_ row: Row) -> LedgerEntry {
        let entry: Data = row["entry"]
        let leaf: Data = row["leaf_hash"]
        return LedgerEntry(index: row["ledger_index"], leafHash: Array(leaf), entry: Array(entry))
    }

    public func entryCount() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM disclosures") ?? 0 }
    }

    public func treeHead() async throws -> (size: UInt64, root: [UInt8]) {
        let range = ledger.writer.published
        return (range.size, range.root)
    }

    public func subtreeHashes(_ ids: [NodeID]) async throws -> [NodeID: [UInt8]] {
        try await pool.read { db in try LedgerWriter.hashes(ids, db) }
    }

    public func currentCheckpoint(now: Date) async throws -> StoredCheckpoint? {
        let range = ledger.writer.published
        if let signer = ledger.writer.signer, try await latestCheckpoint().map({ $0.size < range.size }) ?? true {
            let note = try signer(range.size, range.root)
            try await pool.write { db in
                try LedgerWriter.storeCheckpoint(size: range.size, root: range.root, note: note, at: now, db)
            }
        }
        return try await latestCheckpoint()
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1").map(Self.checkpoint)
        }
    }

    /// Every stored checkpoint, smallest first.
    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM checkpoints ORDER BY size").map(Self.checkpoint) }
    }

    static func checkpoint(_ row: Row) -> StoredCheckpoint {
        let root: Data = row["root"]
        let created: String = row["created_at"]
        let size: Int64 = row["size"]
        return StoredCheckpoint(
            size: UInt64(size), root: Array(root), note: row["note"],
            createdAt: RFC3339.parse(created) ?? Date(timeIntervalSince1970: 0))
    }
}
