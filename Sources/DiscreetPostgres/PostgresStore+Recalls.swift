import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    static let recallColumns = """
        id, subject_id, provider_id, doc, status, opened_index, delivered_index, delivered_at, acknowledged_index,
        acknowledged_at, attempts, next_attempt_at, last_error
        """

    public func withdraw(_ consent: Consent, openingRecalls plan: @escaping RecallPlanner) async throws -> (
        consent: Consent, recalls: [Recall]
    )? {
        try await bounded { [self] () async throws -> (consent: Consent, recalls: [Recall])? in
            try await transaction { tx in
                var found: String?
                let rows = try await tx.query(
                    "SELECT doc FROM consents WHERE id = \(consent.id) AND subject_id = \(consent.subject) FOR UPDATE",
                    logger: logger)
                for try await doc in rows.decode(String.self) { found = doc }
                guard let found else { return nil }
                let stored = try Consent(stored: Self.decode(found))
                guard let updated = stored.withdrawn(as: consent) else { return (stored, []) }
                let doc = Self.encode(updated.storedJSON)
                try await tx.query("UPDATE consents SET doc = \(doc) WHERE id = \(consent.id)", logger: logger)
                let recalls = try await Self.end(
                    consent.id, subjectID: consent.subject, cause: .consentWithdrawn, at: updated.withdrawnAt ?? Date(), plan,
                    tx, logger)
                return (updated, recalls ?? [])
            }
        }
    }

    public func expiredConsentsNotEnded(now: Date, limit: Int) async throws -> [Consent] {
        // The index orders RFC 3339 text byte by byte (COLLATE "C": a locale's collation may skip
        // punctuation); a second's margin, then the exact instant in Swift.
        let bound = RFC3339.format(now.addingTimeInterval(1))
        return try await bounded { [self] () async throws -> [Consent] in
            var out: [Consent] = []
            for try await doc in try await client.query(
                """
                SELECT doc FROM consents
                WHERE (doc::json->>'expires_at') COLLATE "C" <= \(bound) AND (doc::json->>'withdrawn_at') IS NULL
                  AND id NOT IN (SELECT consent_id FROM consent_endings)
                ORDER BY (doc::json->>'expires_at') COLLATE "C" LIMIT \(limit)
                """, logger: logger
            ).decode(String.self) {
                out.append(try Consent(stored: Self.decode(doc)))
            }
            return out.filter { $0.expiresAt <= now }
        }
    }

    public func endExpiredConsent(_ consent: Consent, at time: Date, openingRecalls plan: @escaping RecallPlanner)
        async throws -> [Recall]?
    {
        try await bounded { [self] () async throws -> [Recall]? in
            try await transaction { tx in
                try await Self.end(consent.id, subjectID: consent.subject, cause: .consentExpired, at: time, plan, tx, logger)
            }
        }
    }

    public func openRecalls(subjectID: String, plan: @escaping RecallPlanner) async throws -> [Recall] {
        try await bounded { [self] () async throws -> [Recall] in
            try await transaction { tx in
                // One opening per subject at a time: two erasures at once must not both recall.
                try await tx.query("SELECT pg_advisory_xact_lock(hashtext(\(subjectID)))", logger: logger)
                let recalls = try plan(
                    try await Self.subjectEntries(subjectID, tx, logger), try await Self.subjectRecalls(subjectID, tx, logger))
                for r in recalls { try await Self.insert(r, tx, logger) }
                return recalls
            }
        }
    }

    /// Records a consent's end and opens its recalls; nil when its end was recorded already.
    static func end(
        _ consentID: String, subjectID: String, cause: Recall.Cause, at time: Date, _ plan: RecallPlanner,
        _ tx: PostgresConnection, _ logger: Logger
    ) async throws -> [Recall]? {
        var inserted = false
        for try await _ in try await tx.query(
            """
            INSERT INTO consent_endings (consent_id, subject_id, cause, ended_at)
            VALUES (\(consentID), \(subjectID), \(cause.rawValue), \(time.timeIntervalSince1970))
            ON CONFLICT (consent_id) DO NOTHING RETURNING consent_id
            """, logger: logger
        ).decode(String.self) {
            inserted = true
        }
        guard inserted else { return nil }
        let recalls = try plan(try await subjectEntries(subjectID, tx, logger), try await subjectRecalls(subjectID, tx, logger))
        for r in recalls { try await insert(r, tx, logger) }
        return recalls
    }

    static func subjectEntries(_ subjectID: String, _ tx: PostgresConnection, _ logger: Logger) async throws
        -> [LedgerEntry]
    {
        var entries: [LedgerEntry] = []
        for try await (index, entry, leaf) in try await tx.query(
            "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = \(subjectID) ORDER BY ledger_index",
            logger: logger
        ).decode((Int64, ByteBuffer, ByteBuffer).self) {
            entries.append(LedgerEntry(index: index, leafHash: bytes(leaf), entry: bytes(entry)))
        }
        return entries
    }

    static func subjectRecalls(_ subjectID: String, _ tx: PostgresConnection, _ logger: Logger) async throws -> [Recall] {
        try await recalls(
            try await tx.query(
                "SELECT \(unescaped: recallColumns) FROM recalls WHERE subject_id = \(subjectID) ORDER BY id", logger: logger))
    }

    static func insert(_ r: Recall, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO recalls (\(unescaped: recallColumns))
            VALUES (\(r.id), \(r.subjectID), \(r.providerID), \(encode(r.storedDoc)), \(r.status.rawValue), \(r.openedIndex),
                    \(r.deliveredIndex), \(r.deliveredAt?.timeIntervalSince1970), \(r.acknowledgedIndex),
                    \(r.acknowledgedAt?.timeIntervalSince1970), \(r.attempts), \(r.nextAttemptAt.timeIntervalSince1970),
                    \(r.lastError))
            """, logger: logger)
    }

    /// Applies a recall's step in its entry's transaction; a step already applied changes nothing.
    static func apply(_ step: RecallStep, index: Int64, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let at = step.at.timeIntervalSince1970
        switch step.kind {
        case .opened:
            try await connection.query(
                "UPDATE recalls SET opened_index = \(index) WHERE id = \(step.recallID) AND opened_index IS NULL",
                logger: logger)
        case .delivered:
            try await connection.query(
                """
                UPDATE recalls SET status = 'delivered', delivered_index = \(index), delivered_at = \(at), last_error = NULL
                WHERE id = \(step.recallID) AND status = 'open'
                """, logger: logger)
        case .acknowledged:
            try await connection.query(
                """
                UPDATE recalls SET status = 'acknowledged', acknowledged_index = \(index), acknowledged_at = \(at)
                WHERE id = \(step.recallID) AND status <> 'acknowledged'
                """, logger: logger)
        }
    }

    static func recalls(_ rows: PostgresRowSequence) async throws -> [Recall] {
        var out: [Recall] = []
        for try await (
            id, subject, provider, doc, status, opened, delivered, deliveredAt, acknowledged, acknowledgedAt,
            attempts, next, lastError
        ) in rows.decode(
            (String, String, String, String, String, Int64?, Int64?, Double?, Int64?, Double?, Int, Double, String?).self)
        {
            out.append(
                try Recall(
                    id: id, subjectID: subject, providerID: provider, storedDoc: decode(doc), status: status,
                    openedIndex: opened, deliveredIndex: delivered, deliveredAt: deliveredAt, acknowledgedIndex: acknowledged,
                    acknowledgedAt: acknowledgedAt, attempts: attempts, nextAttemptAt: next, lastError: lastError))
        }
        return out
    }

    func recalls(_ query: PostgresQuery) async throws -> [Recall] {
        try await bounded { [self] () async throws -> [Recall] in
            try await Self.recalls(try await client.query(query, logger: logger))
        }
    }

    public func recall(id: String) async throws -> Recall? {
        try await recalls("SELECT \(unescaped: Self.recallColumns) FROM recalls WHERE id = \(id)").first
    }

    public func recalls(status: Recall.Status?, providerID: String?, after: String?, limit: Int) async throws -> [Recall] {
        let status = status?.rawValue
        return try await recalls(
            """
            SELECT \(unescaped: Self.recallColumns) FROM recalls
            WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(providerID)::text IS NULL OR provider_id = \(providerID))
              AND id > \(after ?? "") ORDER BY id LIMIT \(limit)
            """)
    }

    public func recalls(subjectID: String) async throws -> [Recall] {
        try await recalls(
            "SELECT \(unescaped: Self.recallColumns) FROM recalls WHERE subject_id = \(subjectID) ORDER BY id")
    }

    /// `FOR UPDATE SKIP LOCKED`: replicas claiming at once take different recalls.
    public func claimDueRecalls(now: Date, lease: TimeInterval, limit: Int) async throws -> [Recall] {
        let t = now.timeIntervalSince1970
        return try await recalls(
            """
            UPDATE recalls SET next_attempt_at = \(t + lease)
            WHERE id IN (
                SELECT id FROM recalls WHERE status = 'open' AND next_attempt_at <= \(t) AND opened_index IS NOT NULL
                ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.recallColumns)
            """)
    }

    public func recallsWithoutOpenedEntry(openedBefore before: Date, limit: Int) async throws -> [Recall] {
        try await recalls(
            "SELECT \(unescaped: Self.recallColumns) FROM recalls WHERE opened_index IS NULL ORDER BY id LIMIT \(limit)"
        ).filter { $0.openedAt < before }
    }

    public func markRecallAttempt(id: String, attempts: Int, retryAt: Date, error: String?) async throws {
        try await bounded { [self] () async throws -> Void in
            try await client.query(
                """
                UPDATE recalls SET attempts = \(attempts), next_attempt_at = \(retryAt.timeIntervalSince1970),
                    last_error = \(error) WHERE id = \(id) AND status = 'open'
                """, logger: logger)
        }
    }
}
