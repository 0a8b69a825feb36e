import DiscreetJSON
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    static func insertReview(_ review: ExceptionReview, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO exception_reviews (id, status, invoked_at, doc) VALUES (?, ?, ?, ?)",
            arguments: [review.id, review.status.rawValue, review.invokedAt.timeIntervalSince1970, encode(review.json)])
    }

    static func insertAlert(_ body: [UInt8], at: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO alert_outbox (body, created_at, next_attempt_at) VALUES (?, ?, ?)",
            arguments: [Data(body), at.timeIntervalSince1970, at.timeIntervalSince1970])
    }

    public func exceptionReviews(status: ExceptionReview.Status?) async throws -> [ExceptionReview] {
        try await pool.read { db in
            let docs =
                if let status {
                    try String.fetchAll(
                        db, sql: "SELECT doc FROM exception_reviews WHERE status = ? ORDER BY invoked_at, id",
                        arguments: [status.rawValue])
                } else {
                    try String.fetchAll(db, sql: "SELECT doc FROM exception_reviews ORDER BY invoked_at, id")
                }
            return try docs.map { try ExceptionReview(stored: Self.decode($0)) }
        }
    }

    public func exceptionReview(id: String) async throws -> ExceptionReview? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM exception_reviews WHERE id = ?", arguments: [id])
                .map { try ExceptionReview(stored: Self.decode($0)) }
        }
    }

    public func recordReview(
        id: String, verdict: ExceptionReview.Status, reviewer: String, comment: String, by keyID: String, at: Date
    ) async throws -> ExceptionReview {
        try await pool.write { db in
            guard let doc = try String.fetchOne(db, sql: "SELECT doc FROM exception_reviews WHERE id = ?", arguments: [id]) else {
                throw ReviewRefusal.notFound
            }
            var review = try ExceptionReview(stored: Self.decode(doc))
            try review.record(verdict: verdict, reviewer: reviewer, comment: comment, by: keyID, at: at)
            try db.execute(
                sql: "UPDATE exception_reviews SET status = ?, doc = ? WHERE id = ?",
                arguments: [verdict.rawValue, Self.encode(review.json), id])
            return review
        }
    }

    public func enqueueAlert(_ body: [UInt8], at: Date) async throws {
        try await pool.write { db in try Self.insertAlert(body, at: at, db) }
    }

    public func dueAlerts(now: Date, limit: Int) async throws -> [OutboxAlert] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, body, attempts, next_attempt_at FROM alert_outbox
                    WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map { row in
                let body: Data = row["body"]
                let next: Double = row["next_attempt_at"]
                return OutboxAlert(
                    id: row["id"], body: Array(body), attempts: row["attempts"], nextAttemptAt: Date(timeIntervalSince1970: next))
            }
        }
    }

    public func markDelivered(alertID: Int64, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE alert_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
                arguments: [at.timeIntervalSince1970, alertID])
        }
    }

    public func markFailed(alertID: Int64, attempts: Int, retryAt: Date, error: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                arguments: [attempts, retryAt.timeIntervalSince1970, error, alertID])
        }
    }

    public func undeliveredAlertCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert_outbox WHERE delivered_at IS NULL") ?? 0
        }
    }
}
