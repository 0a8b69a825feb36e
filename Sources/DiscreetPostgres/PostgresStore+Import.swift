import DiscreetPolicy
import DiscreetStore
import PostgresNIO

extension PostgresStore {
    public func stageConsents(importID: String, _ consents: [Consent]) async throws {
        try await bounded { [self] () async throws -> Void in
            try await transaction { tx in
                for c in consents {
                    let doc = Self.encode(c.storedJSON)
                    try await tx.query(
                        """
                        INSERT INTO consent_import_staging (import_id, id, subject_id, receipt_id, doc)
                        VALUES (\(importID), \(c.id), \(c.subject), \(c.receiptID), \(doc))
                        """, logger: logger)
                }
            }
        }
    }

    public func commitStagedConsents(importID: String) async throws -> Int {
        try await bounded { [self] () async throws -> Int in
            try await transaction { tx in
                var count = 0
                for try await _ in try await tx.query(
                    """
                    INSERT INTO consents (id, subject_id, receipt_id, doc)
                    SELECT id, subject_id, receipt_id, doc FROM consent_import_staging WHERE import_id = \(importID) ORDER BY seq
                    RETURNING seq
                    """, logger: logger
                ).decode(Int64.self) {
                    count += 1
                }
                try await tx.query("DELETE FROM consent_import_staging WHERE import_id = \(importID)", logger: logger)
                return count
            }
        }
    }

    public func discardStagedConsents(importID: String) async throws {
        try await bounded { [self] () async throws -> Void in
            try await client.query("DELETE FROM consent_import_staging WHERE import_id = \(importID)", logger: logger)
        }
    }

    public func insertConsents(_ consents: [Consent]) async throws {
        try await bounded { [self] () async throws -> Void in
            try await transaction { tx in
                for c in consents {
                    let doc = Self.encode(c.storedJSON)
                    try await tx.query(
                        "INSERT INTO consents (id, subject_id, receipt_id, doc) VALUES (\(c.id), \(c.subject), \(c.receiptID), \(doc))",
                        logger: logger)
                }
            }
        }
    }
}
