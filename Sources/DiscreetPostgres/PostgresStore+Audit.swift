import DiscreetLedger
import Foundation
import PostgresNIO

extension PostgresStore {
    /// `discreet verify --store postgres://…`: the whole ledger read in one REPEATABLE READ
    /// transaction (one snapshot, while replicas keep appending) and recomputed by the same audit
    /// as SQLite's. Nothing in the rows is trusted to have the schema's shape: a negative index or
    /// a node level out of range is reported as damage, never a trap.
    public func audit(verifier: NoteVerifierKey) async throws -> LedgerAudit.Report {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let report = try await snapshot(connection, verifier: verifier)
                try await connection.query("COMMIT", logger: logger)
                return report
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private func snapshot(_ connection: PostgresConnection, verifier: NoteVerifierKey) async throws -> LedgerAudit.Report {
        var rows: [LedgerAudit.Row] = []
        for try await (index, entry, leaf, disclosure, subject, provider, purpose, recorded) in try await connection.query(
            """
            SELECT ledger_index, entry, leaf_hash, disclosure_id, subject_id, provider_id, purpose, recorded_at
            FROM disclosures ORDER BY ledger_index
            """, logger: logger
        ).decode((Int64, ByteBuffer, ByteBuffer, String, String, String, String, String).self) {
            let columns = LedgerAudit.IndexColumns(
                disclosureID: disclosure, subjectID: subject, providerID: provider, purpose: purpose, recordedAt: recorded)
            rows.append(
                LedgerAudit.Row(index: index, entry: Self.bytes(entry), storedLeafHash: Self.bytes(leaf), columns: columns))
        }
        var leafNodes: [UInt64: [UInt8]] = [:]
        var subtrees: [NodeID: [UInt8]] = [:]
        for try await (level, stored, hash) in try await connection.query(
            "SELECT level, idx, hash FROM merkle_nodes", logger: logger
        ).decode((Int32, Int64, ByteBuffer).self) {
            guard (0..<64).contains(level), let index = UInt64(exactly: stored) else {
                throw PostgresStoreDamaged(detail: "merkle_nodes holds a node at level \(level), index \(stored)")
            }
            if level == 0 {
                leafNodes[index] = Self.bytes(hash)
            } else {
                subtrees[NodeID(level: Int(level), index: index)] = Self.bytes(hash)
            }
        }
        var checkpoints: [LedgerAudit.SignedHead] = []
        for try await (stored, note) in try await connection.query(
            "SELECT size, note FROM checkpoints ORDER BY size", logger: logger
        ).decode((Int64, String).self) {
            guard let size = UInt64(exactly: stored) else {
                throw PostgresStoreDamaged(detail: "checkpoints holds a checkpoint of size \(stored)")
            }
            checkpoints.append(LedgerAudit.SignedHead(size: size, note: note))
        }
        return LedgerAudit.run(
            rows: rows, leafNodes: leafNodes, subtrees: subtrees, checkpoints: checkpoints, verifier: verifier)
    }
}
