import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Appends in its own transaction; with `synchronous = FULL` the commit is synced before this
    /// returns. (Group commit across concurrent requests is the ledger issue's work.)
    public func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        let leaf = RFC6962.leafHash(entry.entry)
        return try await pool.write { db in
            let index = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(ledger_index) + 1, 0) FROM disclosures") ?? 0
            try db.execute(
                sql: """
                    INSERT INTO disclosures
                        (ledger_index, disclosure_id, subject_id, provider_id, purpose, recorded_at, entry, leaf_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    index, entry.disclosureID, entry.subjectID, entry.providerID, entry.purpose,
                    RFC3339.format(entry.recordedAt), Data(entry.entry), Data(leaf),
                ])
            return LedgerReceipt(index: index, leafHash: leaf)
        }
    }

    public func entries(subjectID: String) async throws -> [LedgerEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = ? ORDER BY ledger_index",
                arguments: [subjectID]
            ).map { row in
                let entry: Data = row["entry"]
                let leaf: Data = row["leaf_hash"]
                return LedgerEntry(index: row["ledger_index"], leafHash: Array(leaf), entry: Array(entry))
            }
        }
    }

    public func entryCount() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM disclosures") ?? 0 }
    }
}
