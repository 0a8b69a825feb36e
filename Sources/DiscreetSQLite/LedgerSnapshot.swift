import DiscreetLedger
import Foundation
import GRDB

/// Reads a data directory's ledger for `discreet verify`, in one read transaction, without
/// migrating or writing anything: a running server may keep appending meanwhile.
public enum LedgerSnapshot {
    public static func audit(directory: String, verifier: NoteVerifierKey) throws -> LedgerAudit.Report {
        let path = (directory as NSString).appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw SnapshotError.noStore(path) }
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        return try db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT ledger_index, entry, leaf_hash FROM disclosures ORDER BY ledger_index")
                .map {
                    row in
                    let entry: Data = row["entry"]
                    let leaf: Data = row["leaf_hash"]
                    return LedgerAudit.Row(index: row["ledger_index"], entry: Array(entry), storedLeafHash: Array(leaf))
                }
            var leafNodes: [UInt64: [UInt8]] = [:]
            var subtrees: [NodeID: [UInt8]] = [:]
            let nodes = try Row.fetchCursor(db, sql: "SELECT level, idx, hash FROM merkle_nodes")
            while let row = try nodes.next() {
                let level: Int = row["level"]
                let index: Int64 = row["idx"]
                let hash: Data = row["hash"]
                if level == 0 {
                    leafNodes[UInt64(index)] = Array(hash)
                } else {
                    subtrees[NodeID(level: level, index: UInt64(index))] = Array(hash)
                }
            }
            let checkpoints = try Row.fetchAll(db, sql: "SELECT size, note FROM checkpoints ORDER BY size").map { row in
                let size: Int64 = row["size"]
                return LedgerAudit.SignedHead(size: UInt64(size), note: row["note"])
            }
            return LedgerAudit.run(
                rows: rows, leafNodes: leafNodes, subtrees: subtrees, checkpoints: checkpoints, verifier: verifier)
        }
    }

    public enum SnapshotError: Error, CustomStringConvertible {
        case noStore(String)

        public var description: String {
            switch self {
            case .noStore(let p): "no ledger at \(p)"
            }
        }
    }
}
