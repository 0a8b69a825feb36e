import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await bounded { [self] in try await client.withConnection { try await Self.insert(key, $0, logger) } }
    }

    static func insert(_ key: APIKeyRecord, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let roles = encode(.array(key.roles.map { .string($0.description) }))
        let digest = ByteBuffer(bytes: key.digest)
        let created = RFC3339.format(key.createdAt)
        try await connection.query(
            """
            INSERT INTO api_keys (id, digest, roles, label, created_at)
            VALUES (\(key.id), \(digest), \(roles), \(key.label), \(created))
            """, logger: logger)
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try await bounded { [self] () async throws -> APIKeyRecord? in
            let rows = try await client.query(
                "SELECT id, digest, roles, label, created_at FROM api_keys WHERE id = \(id)", logger: logger)
            for try await (id, digest, rolesText, label, created) in rows.decode(
                (String, ByteBuffer, String, String, String).self)
            {
                let roles = (try Self.decode(rolesText).arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init) }
                return APIKeyRecord(
                    id: id, digest: Self.bytes(digest), roles: roles, label: label,
                    createdAt: RFC3339.parse(created) ?? Date(timeIntervalSince1970: 0))
            }
            return nil
        }
    }

    public func keyCount() async throws -> Int {
        try await bounded { [self] () async throws -> Int in
            for try await n in try await client.query("SELECT COUNT(*) FROM api_keys", logger: logger).decode(Int.self) {
                return n
            }
            return 0
        }
    }

    /// Replicas starting together take turns on the table's lock; the first finds it empty.
    public func insertFirstKey(_ key: APIKeyRecord) async throws -> Bool {
        try await bounded { [self] () async throws -> Bool in
            try await transaction { tx in
                try await tx.query("LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE", logger: logger)
                for try await _ in try await tx.query("SELECT 1 FROM api_keys LIMIT 1", logger: logger).decode(Int.self) {
                    return false
                }
                try await Self.insert(key, tx, logger)
                return true
            }
        }
    }

    /// Revisions are numbered in one order across replicas: the table is locked while the next
    /// number is taken.
    public func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy {
        try await bounded { [self] () async throws -> StoredPolicy in
            let activated = RFC3339.format(at)
            return try await transaction { tx in
                try await tx.query("LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE", logger: logger)
                let rows = try await tx.query(
                    """
                    INSERT INTO policies (revision, label, digest, source, activated_at)
                    SELECT COALESCE(MAX(revision), 0) + 1, \(label), \(digest), \(source), \(activated) FROM policies
                    RETURNING revision
                    """, logger: logger)
                for try await revision in rows.decode(Int.self) {
                    return StoredPolicy(revision: revision, label: label, digest: digest, source: source, activatedAt: at)
                }
                throw PostgresStoreDamaged(detail: "a policy insert returned no revision")
            }
        }
    }

    public func currentPolicy() async throws -> StoredPolicy? {
        try await bounded { [self] () async throws -> StoredPolicy? in
            let rows = try await client.query(
                "SELECT revision, label, digest, source, activated_at FROM policies ORDER BY revision DESC LIMIT 1",
                logger: logger)
            for try await (revision, label, digest, source, at) in rows.decode((Int, String, String, String, String).self) {
                return StoredPolicy(
                    revision: revision, label: label, digest: digest, source: source,
                    activatedAt: RFC3339.parse(at) ?? Date(timeIntervalSince1970: 0))
            }
            return nil
        }
    }
}
