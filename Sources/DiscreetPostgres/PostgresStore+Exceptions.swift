import DiscreetJSON
import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    static func insertReview(_ review: ExceptionReview, _ tx: PostgresConnection, _ logger: Logger) async throws {
        let doc = encode(review.json)
        let invoked = review.invokedAt.timeIntervalSince1970
        try await tx.query(
            """
            INSERT INTO exception_reviews (id, status, invoked_at, doc)
            VALUES (\(review.id), \(review.status.rawValue), \(invoked), \(doc))
            """, logger: logger)
    }

    static func insertAlert(_ body: [UInt8], at: Date, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let time = at.timeIntervalSince1970
        try await connection.query(
            "INSERT INTO alert_outbox (body, created_at, next_attempt_at) VALUES (\(ByteBuffer(bytes: body)), \(time), \(time))",
            logger: logger)
    }

    public func exceptionReviews(status: ExceptionReview.Status?) async throws -> [ExceptionReview] {
        try await bounded { [self] () async throws -> [ExceptionReview] in
            let query: PostgresQuery =
                if let status {
                    "SELECT doc FROM exception_reviews WHERE status = \(status.rawValue) ORDER BY invoked_at, id"
                } else {
                    "SELECT doc FROM exception_reviews ORDER BY invoked_at, id"
                }
            var out: [ExceptionReview] = []
            for try await doc in try await client.query(query, logger: logger).decode(String.self) {
                out.append(try ExceptionReview(stored: Self.decode(doc)))
            }
            return out
        }
    }

    public func exceptionReview(id: String) async throws -> ExceptionReview? {
        try await bounded { [self] () async throws -> ExceptionReview? in
            let rows = try await client.query("SELECT doc FROM exception_reviews WHERE id = \(id)", logger: logger)
            for try await doc in rows.decode(String.self) { return try ExceptionReview(stored: Self.decode(doc)) }
            return nil
        }
    }

    public func recordReview(
        id: String, verdict: ExceptionReview.Status, reviewer: String, comment: String, by keyID: String, at: Date
    ) async throws -> ExceptionReview {
        try await bounded { [self] () async throws -> ExceptionReview in
            try await transaction { tx in
                var found: String?
                for try await doc in try await tx.query(
                    "SELECT doc FROM exception_reviews WHERE id = \(id) FOR UPDATE", logger: logger
                ).decode(String.self) {
                    found = doc
                }
                guard let found else { throw ReviewRefusal.notFound }
                var review = try ExceptionReview(stored: Self.decode(found))
                try review.record(verdict: verdict, reviewer: reviewer, comment: comment, by: keyID, at: at)
                let doc = Self.encode(review.json)
                try await tx.query(
                    "UPDATE exception_reviews SET status = \(verdict.rawValue), doc = \(doc) WHERE id = \(id)", logger: logger)
                return review
            }
        }
    }

    public func enqueueAlert(_ body: [UInt8], at: Date) async throws {
        try await bounded { [self] () async throws -> Void in
            try await client.withConnection { try await Self.insertAlert(body, at: at, $0, logger) }
        }
    }

    public func dueAlerts(now: Date, limit: Int) async throws -> [OutboxAlert] {
        try await bounded { [self] () async throws -> [OutboxAlert] in
            let rows = try await client.query(
                """
                SELECT id, body, attempts, next_attempt_at FROM alert_outbox
                WHERE delivered_at IS NULL AND next_attempt_at <= \(now.timeIntervalSince1970) ORDER BY id LIMIT \(limit)
                """, logger: logger)
            var out: [OutboxAlert] = []
            for try await (id, body, attempts, next) in rows.decode((Int64, ByteBuffer, Int, Double).self) {
                out.append(
                    OutboxAlert(
                        id: id, body: Self.bytes(body), attempts: attempts, nextAttemptAt: Date(timeIntervalSince1970: next)))
            }
            return out
        }
    }

    public func markDelivered(alertID: Int64, at: Date) async throws {
        try await bounded { [self] () async throws -> Void in
            try await client.query(
                "UPDATE alert_outbox SET delivered_at = \(at.timeIntervalSince1970), attempts = attempts + 1 WHERE id = \(alertID)",
                logger: logger)
        }
    }

    public func markFailed(alertID: Int64, attempts: Int, retryAt: Date, error: String) async throws {
        try await bounded { [self] () async throws -> Void in
            try await client.query(
                """
                UPDATE alert_outbox SET attempts = \(attempts), next_attempt_at = \(retryAt.timeIntervalSince1970),
                    last_error = \(error) WHERE id = \(alertID)
                """, logger: logger)
        }
    }

    public func undeliveredAlertCount() async throws -> Int {
        try await bounded { [self] () async throws -> Int in
            let rows = try await client.query("SELECT COUNT(*) FROM alert_outbox WHERE delivered_at IS NULL", logger: logger)
            for try await n in rows.decode(Int.self) { return n }
            return 0
        }
    }
}
