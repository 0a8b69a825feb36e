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
                var entries: [LedgerEntry] = []
                for try await (index, entry, leaf) in try await tx.query(
                    "SELECT ledger_index, entry, leaf_hash FROM disclosures WHERE subject_id = \(consent.subject) ORDER BY ledger_index",
                    logger: logger
                ).decode((Int64, ByteBuffer, ByteBuffer).self) {
                    entries.append(LedgerEntry(index: index, leafHash: Self.bytes(leaf), entry: Self.bytes(entry)))
                }
                let recalls = try plan(entries)
                for r in recalls { try await Self.insert(r, tx, logger) }
                return (updated, recalls)
            }
        }
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
