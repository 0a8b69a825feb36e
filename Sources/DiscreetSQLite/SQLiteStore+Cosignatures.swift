import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Each witness's progress and turn, and the cosignatures they returned, one per witness and size.
    static let cosignaturesSchema = """
        CREATE TABLE witness_turns (
            witness TEXT PRIMARY KEY NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            owner TEXT,
            turn_until REAL NOT NULL DEFAULT 0
        );
        CREATE TABLE cosignatures (
            size INTEGER NOT NULL,
            witness TEXT NOT NULL,
            line TEXT NOT NULL,
            PRIMARY KEY (size, witness)
        ) WITHOUT ROWID;
        """

    public func takeWitnessTurn(_ witness: String, owner: String, now: Date, until: Date) async throws -> UInt64? {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO witness_turns (witness) VALUES (?)", arguments: [witness])
            try db.execute(
                sql: "UPDATE witness_turns SET owner = ?, turn_until = ? WHERE witness = ? AND turn_until <= ?",
                arguments: [owner, until.timeIntervalSince1970, witness, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return nil }
            let size = try Int64.fetchOne(db, sql: "SELECT size FROM witness_turns WHERE witness = ?", arguments: [witness])
            return UInt64(clamping: size ?? 0)
        }
    }

    public func endWitnessTurn(
        _ witness: String, owner: String, size: UInt64?, cosignature: StoredCosignature?, nextTurn: Date
    ) async throws {
        try await pool.write { db in
            if let c = cosignature {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO cosignatures (size, witness, line) VALUES (?, ?, ?)",
                    arguments: [Int64(clamping: c.size), c.witness, c.line])
            }
            try db.execute(
                sql: """
                    UPDATE witness_turns SET size = COALESCE(?, size), owner = NULL, turn_until = ?
                    WHERE witness = ? AND owner = ?
                    """,
                arguments: [size.map { Int64(clamping: $0) }, nextTurn.timeIntervalSince1970, witness, owner])
        }
    }

    public func cosignatures(size: UInt64) async throws -> [StoredCosignature] {
        try await pool.read { db in try Self.cosignatures(size: size, db) }
    }

    public func witnessedNotes() async throws -> [String] {
        try await pool.read { db in
            WitnessedNotes.group(
                try Row.fetchAll(db, sql: Self.witnessedNotesQuery).map { row in
                    let size: Int64 = row["size"]
                    let note: String = row["note"]
                    let line: String? = row["line"]
                    return (size, note, line)
                })
        }
    }

    static func cosignatures(size: UInt64, _ db: Database) throws -> [StoredCosignature] {
        try Row.fetchAll(
            db, sql: "SELECT witness, line FROM cosignatures WHERE size = ? ORDER BY witness",
            arguments: [Int64(clamping: size)]
        ).map { StoredCosignature(witness: $0["witness"], size: size, line: $0["line"]) }
    }

    /// The newest checkpoint and the twenty newest with a cosignature, with their cosignatures.
    static let witnessedNotesQuery = """
        SELECT c.size AS size, c.note AS note, s.line AS line
        FROM checkpoints c LEFT JOIN cosignatures s ON s.size = c.size
        WHERE c.size = (SELECT MAX(size) FROM checkpoints)
           OR c.size IN (SELECT DISTINCT size FROM cosignatures ORDER BY size DESC LIMIT 20)
        ORDER BY c.size DESC, s.witness
        """

    /// A store from before witnesses: its newest checkpoint alone.
    static let newestNoteQuery = "SELECT size, note, NULL AS line FROM checkpoints ORDER BY size DESC LIMIT 1"
}
