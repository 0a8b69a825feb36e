import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// What a recall keeps: its immutable document and the columns its steps move. Times the
    /// delivery loop compares are epoch seconds, as in the alert outbox.
    static let recallsSchema = """
        CREATE TABLE recalls (
            id TEXT PRIMARY KEY NOT NULL,
            subject_id TEXT NOT NULL,
            provider_id TEXT NOT NULL,
            doc TEXT NOT NULL,
            status TEXT NOT NULL,
            opened_index INTEGER,
            delivered_index INTEGER,
            delivered_at REAL,
            acknowledged_index INTEGER,
            acknowledged_at REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT
        );
        CREATE INDEX recalls_by_subject ON recalls(subject_id);
        CREATE INDEX recalls_by_provider ON recalls(provider_id, id);
        CREATE INDEX recalls_due ON recalls(next_attempt_at) WHERE status = 'open';
        """

    public func withdraw(_ consent: Consent, openingRecalls plan: @escaping RecallPlanner) async throws -> (
        consent: Consent, recalls: [Recall]
    )? {
        try await pool.write { db in
            guard
                let doc = try String.fetchOne(
                    db, sql: "SELECT doc FROM consents WHERE id = ? AND subject_id = ?", arguments: [consent.id, consent.subject])
            else { return nil }
            let stored = try Consent(stored: Self.decode(doc))
            guard let updated = stored.withdrawn(as: consent) else { return (stored, []) }
            try db.execute(
                sql: "UPDATE consents SET doc = ? WHERE id = ?", arguments: [Self.encode(updated.storedJSON), consent.id])
            let entries = try Row.fetchAll(
                db, sql: "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = ? ORDER BY ledger_index",
                arguments: [consent.subject]
            ).map(Self.entry)
            let recalls = try plan(entries)
            for r in recalls { try Self.insert(r, db) }
            return (updated, recalls)
        }
    }

    static func insert(_ r: Recall, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO recalls (id, subject_id, provider_id, doc, status, opened_index, delivered_index, delivered_at,
                    acknowledged_index, acknowledged_at, attempts, next_attempt_at, last_error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                r.id, r.subjectID, r.providerID, encode(r.storedDoc), r.status.rawValue, r.openedIndex, r.deliveredIndex,
                r.deliveredAt?.timeIntervalSince1970, r.acknowledgedIndex, r.acknowledgedAt?.timeIntervalSince1970,
                r.attempts, r.nextAttemptAt.timeIntervalSince1970, r.lastError,
            ])
    }

    /// Applies a recall's step in its entry's transaction; a step already applied changes nothing.
    static func apply(_ step: RecallStep, index: Int64, _ db: Database) throws {
        let at = step.at.timeIntervalSince1970
        switch step.kind {
        case .opened:
            try db.execute(
                sql: "UPDATE recalls SET opened_index = ? WHERE id = ? AND opened_index IS NULL",
                arguments: [index, step.recallID])
        case .delivered:
            try db.execute(
                sql: """
                    UPDATE recalls SET status = 'delivered', delivered_index = ?, delivered_at = ?, last_error = NULL
                    WHERE id = ? AND status = 'open'
                    """,
                arguments: [index, at, step.recallID])
        case .acknowledged:
            try db.execute(
                sql: """
                    UPDATE recalls SET status = 'acknowledged', acknowledged_index = ?, acknowledged_at = ?
                    WHERE id = ? AND status <> 'acknowledged'
                    """,
                arguments: [index, at, step.recallID])
        }
    }

    static func recall(_ row: Row) throws -> Recall {
        try Recall(
            id: row["id"], subjectID: row["subject_id"], providerID: row["provider_id"], storedDoc: decode(row["doc"]),
            status: row["status"], openedIndex: row["opened_index"], deliveredIndex: row["delivered_index"],
            deliveredAt: row["delivered_at"], acknowledgedIndex: row["acknowledged_index"],
            acknowledgedAt: row["acknowledged_at"], attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"],
            lastError: row["last_error"])
    }

    public func recall(id: String) async throws -> Recall? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recalls WHERE id = ?", arguments: [id]).map(Self.recall)
        }
    }

    public func recalls(status: Recall.Status?, providerID: String?, after: String?, limit: Int) async throws -> [Recall] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recalls WHERE (? IS NULL OR status = ?) AND (? IS NULL OR provider_id = ?) AND id > ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [status?.rawValue, status?.rawValue, providerID, providerID, after ?? "", limit]
            ).map(Self.recall)
        }
    }

    public func recalls(subjectID: String) async throws -> [Recall] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recalls WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
                .map(Self.recall)
        }
    }

    public func claimDueRecalls(now: Date, lease: TimeInterval, limit: Int) async throws -> [Recall] {
        try await pool.write { db in
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recalls WHERE status = 'open' AND next_attempt_at <= ? AND opened_index IS NOT NULL
                    ORDER BY next_attempt_at LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.recall)
            for r in due {
                try db.execute(
                    sql: "UPDATE recalls SET next_attempt_at = ? WHERE id = ?",
                    arguments: [now.timeIntervalSince1970 + lease, r.id])
            }
            return due
        }
    }

    public func recallsWithoutOpenedEntry(openedBefore before: Date, limit: Int) async throws -> [Recall] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM recalls WHERE opened_index IS NULL ORDER BY id LIMIT ?", arguments: [limit]
            ).map(Self.recall).filter { $0.openedAt < before }
        }
    }

    public func markRecallAttempt(id: String, attempts: Int, retryAt: Date, error: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE recalls SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'open'",
                arguments: [attempts, retryAt.timeIntervalSince1970, error, id])
        }
    }
}
