import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    public func stageConsents(importID: String, _ consents: [Consent]) async throws {
        let rows = consents.map { ($0.id, $0.subject, $0.receiptID, Self.encode($0.storedJSON)) }
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO consent_import_staging (import_id, id, subject_id, receipt_id, doc) VALUES (?, ?, ?, ?, ?)")
            for (id, subject, receipt, doc) in rows {
                try statement.execute(arguments: [importID, id, subject, receipt, doc])
            }
        }
    }

    public func commitStagedConsents(importID: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO consents (id, subject_id, receipt_id, doc)
                    SELECT id, subject_id, receipt_id, doc FROM consent_import_staging WHERE import_id = ? ORDER BY rowid
                    """, arguments: [importID])
            let count = db.changesCount
            try db.execute(sql: "DELETE FROM consent_import_staging WHERE import_id = ?", arguments: [importID])
            return count
        }
    }

    public func discardStagedConsents(importID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM consent_import_staging WHERE import_id = ?", arguments: [importID])
        }
    }

    public func insertConsents(_ consents: [Consent]) async throws {
        let rows = consents.map { ($0.id, $0.subject, $0.receiptID, Self.encode($0.storedJSON)) }
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO consents (id, subject_id, receipt_id, doc) VALUES (?, ?, ?, ?)")
            for (id, subject, receipt, doc) in rows {
                try statement.execute(arguments: [id, subject, receipt, doc])
            }
        }
    }
}
