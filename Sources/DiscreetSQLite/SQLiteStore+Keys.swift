import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await pool.write { db in try Self.insert(key, db) }
    }

    static func insert(_ key: APIKeyRecord, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO api_keys (id, digest, roles, label, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                key.id, Data(key.digest), encode(.array(key.roles.map { .string($0.description) })), key.label,
                RFC3339.format(key.createdAt),
            ])
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM api_keys WHERE id = ?"), arguments: [id])
            else {
                return nil
            }
            let rolesText: String = row["roles"]
            let roles = (try Self.decode(rolesText).arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init) }
            let created: String = row["created_at"]
            let digest: Data = row["digest"]
            return APIKeyRecord(
                id: row["id"], digest: Array(digest), roles: roles, label: row["label"],
                createdAt: RFC3339.parse(created) ?? Date(timeIntervalSince1970: 0))
        }
    }

    public func keyCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys") ?? 0 }
    }

    public func insertFirstKey(_ key: APIKeyRecord) async throws -> Bool {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys") == 0 else { return false }
            try Self.insert(key, db)
            return true
        }
    }

    public func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy {
        try await pool.write { db in
            let revision = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(revision), 0) + 1 FROM policies")) ?? 1
            try db.execute(
                sql: "INSERT INTO policies (revision, label, digest, source, activated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [revision, label, digest, source, RFC3339.format(at)])
            return StoredPolicy(revision: revision, label: label, digest: digest, source: source, activatedAt: at)
        }
    }

    public func currentPolicy() async throws -> StoredPolicy? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM policies ORDER BY revision DESC LIMIT 1") else { return nil }
            let at: String = row["activated_at"]
            return StoredPolicy(
                revision: row["revision"], label: row["label"], digest: row["digest"], source: row["source"],
                activatedAt: RFC3339.parse(at) ?? Date(timeIntervalSince1970: 0))
        }
    }
}
