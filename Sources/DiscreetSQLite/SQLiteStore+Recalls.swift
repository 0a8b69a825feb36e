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
        -- A consent whose end (withdrawal or expiry) opened its recalls: each end recalls once.
        CREATE TABLE consent_endings (
            consent_id TEXT PRIMARY KEY NOT NULL,
            subject_id TEXT NOT NULL,
            cause TEXT NOT NULL,
            ended_at REAL NOT NULL
        );
        CREATE INDEX consents_by_expiry ON consents(json_extract(doc, '$.expires_at'));
        -- Consents already expired when recalls began are not recalled now, years later: their
        -- end is recorded as before recalls.
        INSERT INTO consent_endings (consent_id, subject_id, cause, ended_at)
            SELECT id, subject_id, 'expired-before-recalls', CAST(strftime('%s', 'now') AS REAL) FROM consents
            WHERE json_extract(doc, '$.withdrawn_at') IS NULL
              AND json_extract(doc, '$.expires_at') <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
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
            let at = updated.withdrawnAt ?? Date()
            let recalls = try Self.end(consent.id, subjectID: consent.subject, cause: .consentWithdrawn, at: at, plan, db)
            return (updated, recalls ?? [])
        }
    }

    public func expiredConsentsNotEnded(now: Date, limit: Int) async throws -> [Consent] {
        // The index orders RFC 3339 text; a second's margin, then the exact instant in Swift.
        let bound = RFC3339.format(now.addingTimeInterval(1))
        return try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT doc FROM consents
                    WHERE json_extract(doc, '$.expires_at') <= ? AND json_extract(doc, '$.withdrawn_at') IS NULL
                      AND id NOT IN (SELECT consent_id FROM consent_endings)
                    ORDER BY json_extract(doc, '$.expires_at') LIMIT ?
                    """,
                arguments: [bound, limit]
            ).map { try Consent(stored: Self.decode($0)) }.filter { $0.expiresAt <= now }
        }
    }

    public func endExpiredConsent(_ consent: Consent, at time: Date, openingRecalls plan: @escaping RecallPlanner)
        async throws -> [Recall]?
    {
        try await pool.write { db in
            try Self.end(consent.id, subjectID: consent.subject, cause: .consentExpired, at: time, plan, db)
        }
    }

    public func openRecalls(subjectID: String, plan: @escaping RecallPlanner) async throws -> [Recall] {
        try await pool.write { db in
            let recalls = try plan(try Self.subjectEntries(subjectID, db), try Self.subjectRecalls(subjectID, db))
            for r in recalls { try Self.insert(r, db) }
            return recalls
        }
    }

    /// Records a consent's end and opens its recalls; nil when its end was recorded already.
    static func end(
        _ consentID: String, subjectID: String, cause: Recall.Cause, at time: Date, _ plan: RecallPlanner, _ db: Database
    ) throws -> [Recall]? {
        try db.execute(
            sql: "INSERT OR IGNORE INTO consent_endings (consent_id, subject_id, cause, ended_at) VALUES (?, ?, ?, ?)",
            arguments: [consentID, subjectID, cause.rawValue, time.timeIntervalSince1970])
        guard db.changesCount == 1 else { return nil }
        let recalls = try plan(try subjectEntries(subjectID, db), try subjectRecalls(subjectID, db))
        for r in recalls { try insert(r, db) }
        return recalls
    }

    static func subjectRecalls(_ subjectID: String, _ db: Database) throws -> [Recall] {
        try Row.fetchAll(db, sql: "SELECT * FROM recalls WHERE subject_id = ? ORDER BY id", arguments: [subjectID]).map(recall)
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
        try await pool.read { db in try Self.subjectRecalls(subjectID, db) }
    }

    /// The dispatcher asks twice a second, nearly always for nothing: a read answers that without
    /// taking the writer's turn from the ledger; the write runs only when something is due.
    public func claimDueRecalls(now: Date, lease: TimeInterval, limit: Int) async throws -> [Recall] {
        guard try await pool.read({ db in try !Self.dueRecalls(now: now, limit: 1, db).isEmpty }) else { return [] }
        return try await pool.write { db in
            let due = try Self.dueRecalls(now: now, limit: limit, db)
            for r in due {
                try db.execute(
                    sql: "UPDATE recalls SET next_attempt_at = ? WHERE id = ?",
                    arguments: [now.timeIntervalSince1970 + lease, r.id])
            }
            return due
        }
    }

    static func dueRecalls(now: Date, limit: Int, _ db: Database) throws -> [Recall] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM recalls WHERE status = 'open' AND next_attempt_at <= ? AND opened_index IS NOT NULL
                ORDER BY next_attempt_at LIMIT ?
                """,
            arguments: [now.timeIntervalSince1970, limit]
        ).map(recall)
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
