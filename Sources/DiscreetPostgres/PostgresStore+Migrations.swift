import Logging
import PostgresNIO

extension PostgresStore {
    /// The advisory lock one replica holds while it migrates; the others wait on it, then find
    /// the schema current. (Any 64-bit number no other application uses: "discreet" in ASCII.)
    static let migrationLock: Int64 = 0x6469_7363_7265_6574

    /// Each migration is a list of statements run in one transaction, recorded in
    /// `schema_migrations`. Never edit a released one: add the next.
    static let migrations: [(version: Int, statements: [String])] = [
        (
            1,
            [
                "CREATE TABLE providers (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
                "CREATE TABLE subjects (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
                """
                CREATE TABLE consents (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    subject_id TEXT NOT NULL,
                    receipt_id TEXT UNIQUE,
                    doc TEXT NOT NULL
                )
                """,
                "CREATE INDEX consents_by_subject ON consents (subject_id, seq)",
                """
                CREATE TABLE consent_import_staging (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    import_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    receipt_id TEXT,
                    doc TEXT NOT NULL
                )
                """,
                "CREATE INDEX consent_import_staging_by_import ON consent_import_staging (import_id, seq)",
                """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY, digest BYTEA NOT NULL, roles TEXT NOT NULL, label TEXT NOT NULL,
                    created_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE policies (
                    revision INTEGER PRIMARY KEY, label TEXT NOT NULL, digest TEXT NOT NULL, source TEXT NOT NULL,
                    activated_at TEXT NOT NULL
                )
                """,
                // The ledger, as in SQLite: each row's entry is the exact RFC 6962 leaf data.
                """
                CREATE TABLE disclosures (
                    ledger_index BIGINT PRIMARY KEY CHECK (ledger_index >= 0),
                    disclosure_id TEXT NOT NULL UNIQUE,
                    subject_id TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    entry BYTEA NOT NULL,
                    leaf_hash BYTEA NOT NULL
                )
                """,
                "CREATE INDEX disclosures_by_subject ON disclosures (subject_id, ledger_index)",
                """
                CREATE TABLE merkle_nodes (
                    level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx)
                )
                """,
                """
                CREATE TABLE checkpoints (
                    size BIGINT PRIMARY KEY, root BYTEA NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL
                )
                """,
                // The coordination row: the tree's size and right edge (its compact range), and when
                // a checkpoint was last stored, locked by each batch's transaction (SELECT … FOR
                // UPDATE), so replicas take the next indexes in turn and a rolled-back batch leaves
                // no gap.
                """
                CREATE TABLE ledger_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, edge BYTEA NOT NULL,
                    checkpoint_at DOUBLE PRECISION
                )
                """,
                "INSERT INTO ledger_head (id, size, edge) VALUES (1, 0, ''::bytea)",
                """
                CREATE FUNCTION discreet_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the disclosure ledger is append-only'; END $$
                """,
                """
                CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE ON disclosures
                FOR EACH ROW EXECUTE FUNCTION discreet_append_only()
                """,
                """
                CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
                FOR EACH ROW EXECUTE FUNCTION discreet_append_only()
                """,
                """
                CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
                FOR EACH ROW EXECUTE FUNCTION discreet_append_only()
                """,
                """
                CREATE TABLE exception_reviews (
                    id TEXT PRIMARY KEY, status TEXT NOT NULL, invoked_at DOUBLE PRECISION NOT NULL, doc TEXT NOT NULL
                )
                """,
                "CREATE INDEX exception_reviews_by_status ON exception_reviews (status, invoked_at)",
                """
                CREATE TABLE alert_outbox (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    body BYTEA NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    delivered_at DOUBLE PRECISION,
                    last_error TEXT
                )
                """,
                "CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL",
            ]
        ),
        (
            2,
            [
                // Tokens, one per provider, subject and field, and the leak-tracing index: neither holds a value.
                """
                CREATE TABLE tokens (
                    token TEXT PRIMARY KEY, provider_id TEXT NOT NULL, subject_id TEXT NOT NULL, field TEXT NOT NULL,
                    issued_at TEXT NOT NULL, UNIQUE (provider_id, subject_id, field)
                )
                """,
                """
                CREATE TABLE disclosed_references (
                    reference TEXT NOT NULL, kind TEXT NOT NULL, provider_id TEXT NOT NULL, subject_id TEXT NOT NULL,
                    field TEXT NOT NULL, first_index BIGINT NOT NULL,
                    PRIMARY KEY (reference, provider_id, subject_id, field)
                )
                """,
            ]
        ),
        (
            3,
            [
                // Witnesses: each one's progress and turn (one replica submits at a time), and their cosignatures.
                """
                CREATE TABLE witness_turns (
                    witness TEXT PRIMARY KEY, size BIGINT NOT NULL DEFAULT 0, owner TEXT,
                    turn_until DOUBLE PRECISION NOT NULL DEFAULT 0
                )
                """,
                "CREATE TABLE cosignatures (size BIGINT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (size, witness))",
            ]
        ),
        (
            4,
            [
                // Every version of every provider; those already here hold "since before history" (0).
                """
                CREATE TABLE provider_versions (
                    seq BIGSERIAL PRIMARY KEY, provider_id TEXT NOT NULL, valid_from DOUBLE PRECISION NOT NULL, doc TEXT
                )
                """,
                "CREATE INDEX provider_versions_by_provider ON provider_versions (provider_id, valid_from)",
                "INSERT INTO provider_versions (provider_id, valid_from, doc) SELECT id, 0, doc FROM providers ORDER BY id",
            ]
        ),
        (
            5,
            [
                // Recalls: the immutable document and the columns their steps move (as in SQLite).
                """
                CREATE TABLE recalls (
                    id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, provider_id TEXT NOT NULL, doc TEXT NOT NULL,
                    status TEXT NOT NULL, opened_index BIGINT, delivered_index BIGINT, delivered_at DOUBLE PRECISION,
                    acknowledged_index BIGINT, acknowledged_at DOUBLE PRECISION, attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION NOT NULL, last_error TEXT
                )
                """,
                "CREATE INDEX recalls_by_subject ON recalls (subject_id)",
                "CREATE INDEX recalls_by_provider ON recalls (provider_id, id)",
                "CREATE INDEX recalls_due ON recalls (next_attempt_at) WHERE status = 'open'",
                // A consent whose end (withdrawal or expiry) opened its recalls: each end recalls once.
                """
                CREATE TABLE consent_endings (
                    consent_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, cause TEXT NOT NULL,
                    ended_at DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX consents_by_expiry ON consents (((doc::json->>'expires_at') COLLATE \"C\"))",
                // Consents already expired when recalls began are not recalled now: recorded as ended before.
                """
                INSERT INTO consent_endings (consent_id, subject_id, cause, ended_at)
                SELECT id, subject_id, 'expired-before-recalls', extract(epoch from now()) FROM consents
                WHERE (doc::json->>'withdrawn_at') IS NULL
                  AND (doc::json->>'expires_at') COLLATE "C" <= to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                """,
            ]
        ),
    ]

    /// The newest schema version this build knows.
    public static var schemaVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing, one replica at a time. A database migrated by a newer discreet is
    /// refused rather than written with an older idea of its tables.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                    .decode(Int.self)
                {
                    applied.insert(version)
                }
                if let newest = applied.max(), newest > schemaVersion {
                    throw PostgresSchemaTooNew(found: newest, known: schemaVersion)
                }
                for migration in migrations where !applied.contains(migration.version) {
                    try await connection.withTransaction(logger: logger) { tx in
                        for statement in migration.statements {
                            try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await tx.query(
                            "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
        }
    }
}

extension PostgresStore {
    /// The schema is exactly this version's, or the store is refused (read-only commands).
    static func checkMigrated(_ client: PostgresClient, logger: Logger) async throws {
        var newest: Int?
        do {
            for try await version in try await client.query("SELECT MAX(version) FROM schema_migrations", logger: logger)
                .decode(Int?.self)
            {
                newest = version
            }
        } catch {
            throw PostgresNotAStore()
        }
        guard let newest else { throw PostgresNotAStore() }
        if newest > schemaVersion { throw PostgresSchemaTooNew(found: newest, known: schemaVersion) }
        guard newest == schemaVersion else { throw PostgresNotAStore() }
    }
}

/// The database holds no discreet store of this version (read-only commands do not migrate).
public struct PostgresNotAStore: Error, CustomStringConvertible {
    public var description: String {
        "the database holds no discreet store of this version: start 'discreet serve --store' on it first"
    }
}

/// The database was migrated by a newer discreet.
public struct PostgresSchemaTooNew: Error, CustomStringConvertible {
    public var found: Int
    public var known: Int

    public var description: String {
        "the database's schema is version \(found); this discreet knows up to \(known). Run the newer discreet."
    }
}
