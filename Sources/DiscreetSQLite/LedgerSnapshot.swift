import DiscreetLedger
import DiscreetStore
import Foundation
import GRDB

/// Reads a data directory's ledger for `discreet verify`, in one read transaction, without
/// migrating or writing anything: a running server may keep appending meanwhile.
///
/// The file is evidence under audit, so nothing in it is trusted to have the shape the schema
/// says: a NULL, a text where a blob belongs or a negative index is reported as damage
/// (`SnapshotError.damaged`), never a trap.
public enum LedgerSnapshot {
    public static func audit(directory: String, verifier: NoteVerifierKey) throws -> LedgerAudit.Report {
        let path = (directory as NSString).appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw SnapshotError.noStore(path) }
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        return try db.read { db in
            var rows: [LedgerAudit.Row] = []
            let entries = try Row.fetchCursor(
                db,
                sql: """
                    SELECT ledger_index, entry, leaf_hash, disclosure_id, subject_id, provider_id, purpose, recorded_at
                    FROM disclosures ORDER BY ledger_index
                    """)
            while let row = try entries.next() {
                let index: Int64 = try read(row, "ledger_index", in: "disclosures")
                let entry: Data = try read(row, "entry", in: "disclosures", index: index)
                let leaf: Data = try read(row, "leaf_hash", in: "disclosures", index: index)
                let columns = LedgerAudit.IndexColumns(
                    disclosureID: try read(row, "disclosure_id", in: "disclosures", index: index),
                    subjectID: try read(row, "subject_id", in: "disclosures", index: index),
                    providerID: try read(row, "provider_id", in: "disclosures", index: index),
                    purpose: try read(row, "purpose", in: "disclosures", index: index),
                    recordedAt: try read(row, "recorded_at", in: "disclosures", index: index))
                rows.append(LedgerAudit.Row(index: index, entry: Array(entry), storedLeafHash: Array(leaf), columns: columns))
            }
            var leafNodes: [UInt64: [UInt8]] = [:]
            var subtrees: [NodeID: [UInt8]] = [:]
            let nodes = try Row.fetchCursor(db, sql: "SELECT level, idx, hash FROM merkle_nodes")
            while let row = try nodes.next() {
                let level: Int = try read(row, "level", in: "merkle_nodes")
                let stored: Int64 = try read(row, "idx", in: "merkle_nodes")
                let hash: Data = try read(row, "hash", in: "merkle_nodes")
                guard (0..<64).contains(level), let index = UInt64(exactly: stored) else {
                    throw SnapshotError.damaged("merkle_nodes holds a node at level \(level), index \(stored)")
                }
                if level == 0 {
                    leafNodes[index] = Array(hash)
                } else {
                    subtrees[NodeID(level: level, index: index)] = Array(hash)
                }
            }
            var checkpoints: [LedgerAudit.SignedHead] = []
            let heads = try Row.fetchCursor(db, sql: "SELECT size, note FROM checkpoints ORDER BY size")
            while let row = try heads.next() {
                let stored: Int64 = try read(row, "size", in: "checkpoints")
                guard let size = UInt64(exactly: stored) else {
                    throw SnapshotError.damaged("checkpoints holds a checkpoint of size \(stored)")
                }
                checkpoints.append(LedgerAudit.SignedHead(size: size, note: try read(row, "note", in: "checkpoints")))
            }
            return LedgerAudit.run(
                rows: rows, leafNodes: leafNodes, subtrees: subtrees, checkpoints: checkpoints, verifier: verifier)
        }
    }

    /// The newest checkpoint and the newest checkpoints witnesses cosigned, newest first, each
    /// note with its cosignatures appended (`discreet verify --witness-policy`). Read-only.
    public static func witnessedNotes(directory: String) throws -> [String] {
        let path = (directory as NSString).appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw SnapshotError.noStore(path) }
        var config = Configuration()
        config.readonly = true
        return try DatabaseQueue(path: path, configuration: config).read { db in
            let witnessed = try db.tableExists("cosignatures")
            let rows = try Row.fetchAll(db, sql: witnessed ? SQLiteStore.witnessedNotesQuery : SQLiteStore.newestNoteQuery)
            var read: [(Int64, String, String?)] = []
            for row in rows {
                let size: Int64 = try Self.read(row, "size", in: "checkpoints")
                let note: String = try Self.read(row, "note", in: "checkpoints")
                let line: String? = row["line"]
                read.append((size, note, line))
            }
            return WitnessedNotes.group(read)
        }
    }

    /// A column's value, or `damaged` naming the table, the row and the column.
    static func read<Value: DatabaseValueConvertible>(
        _ row: Row, _ column: String, in table: String, index: Int64? = nil
    ) throws -> Value {
        do {
            return try row.decode(Value.self, forColumn: column)
        } catch {
            let at = index.map { " at index \($0)" } ?? ""
            throw SnapshotError.damaged("\(table)\(at): \(column) is missing or of the wrong type")
        }
    }

    public enum SnapshotError: Error, CustomStringConvertible, Equatable {
        case noStore(String)
        case damaged(String)

        public var description: String {
            switch self {
            case .noStore(let p): "no ledger at \(p)"
            case .damaged(let what): "the ledger store is damaged: \(what)"
            }
        }
    }
}
