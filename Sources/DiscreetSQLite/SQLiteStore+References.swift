import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Tokens (one per provider, subject and field) and the leak-tracing index (each reference
    /// that left, with the ledger index of its first disclosure). Neither holds a value.
    static let referencesSchema = """
        CREATE TABLE tokens (
            token TEXT PRIMARY KEY NOT NULL,
            provider_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            field TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            UNIQUE (provider_id, subject_id, field)
        );
        CREATE TABLE disclosed_references (
            reference TEXT NOT NULL,
            kind TEXT NOT NULL,
            provider_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            field TEXT NOT NULL,
            first_index INTEGER NOT NULL,
            PRIMARY KEY (reference, provider_id, subject_id, field)
        ) WITHOUT ROWID;
        """

    /// Indexes a disclosure's references in its append's transaction; the first one stays.
    static func insertReferences(_ append: LedgerAppend, index: Int64, _ db: Database) throws {
        guard !append.references.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO disclosed_references (reference, kind, provider_id, subject_id, field, first_index)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for r in append.references {
            try insert.execute(arguments: [r.value, r.kind.rawValue, append.providerID, append.subjectID, r.field, index])
        }
    }

    public func issueTokens(providerID: String, subjectID: String, candidates: [String: String], at: Date) async throws
        -> [String: String]
    {
        guard !candidates.isEmpty else { return [:] }
        let issuedAt = RFC3339.format(at)
        return try await pool.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO tokens (token, provider_id, subject_id, field, issued_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (provider_id, subject_id, field) DO NOTHING
                    """)
            let select = try db.cachedStatement(
                sql: "SELECT token FROM tokens WHERE provider_id = ? AND subject_id = ? AND field = ?")
            var out: [String: String] = [:]
            for (field, candidate) in candidates {
                try insert.execute(arguments: [candidate, providerID, subjectID, field, issuedAt])
                out[field] = try String.fetchOne(select, arguments: [providerID, subjectID, field])
            }
            return out
        }
    }

    public func token(_ token: String) async throws -> TokenRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT t.token, t.provider_id, t.subject_id, t.field, t.issued_at, r.first_index
                    FROM tokens t LEFT JOIN disclosed_references r
                      ON r.reference = t.token AND r.provider_id = t.provider_id AND r.subject_id = t.subject_id
                         AND r.field = t.field
                    WHERE t.token = ?
                    """, arguments: [token]
            ).map(TokenRecord.init(row:))
        }
    }

    public func disclosedReferences(_ values: [String]) async throws -> [DisclosedReference] {
        guard !values.isEmpty else { return [] }
        return try await pool.read { db in
            var out: [DisclosedReference] = []
            // SQLite's bound parameters are limited; a few hundred per statement.
            for start in stride(from: 0, to: values.count, by: 500) {
                let chunk = Array(values[start..<min(start + 500, values.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT reference, kind, provider_id, subject_id, field, first_index FROM disclosed_references
                        WHERE reference IN (\(marks))
                        """, arguments: StatementArguments(chunk))
                {
                    out.append(DisclosedReference(row: row))
                }
            }
            return out
        }
    }
}

/// Rows read back the same way by the store and by `exportRows`.
extension TokenRecord {
    /// A `tokens` row; `first_index` when the query joined the index (nil otherwise).
    init(row: Row) {
        let issued: String = row["issued_at"]
        self.init(
            token: row["token"], providerID: row["provider_id"], subjectID: row["subject_id"], field: row["field"],
            issuedAt: RFC3339.parse(issued) ?? .distantPast, firstIndex: row["first_index"])
    }
}

extension DisclosedReference {
    init(row: Row) {
        let kind: String = row["kind"]
        self.init(
            value: row["reference"], kind: ReferenceKind(rawValue: kind) ?? .token, providerID: row["provider_id"],
            subjectID: row["subject_id"], field: row["field"], firstIndex: row["first_index"])
    }
}
