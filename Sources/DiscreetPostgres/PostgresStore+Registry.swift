import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func putProvider(_ provider: Provider, at time: Date) async throws -> Bool {
        try await bounded { [self] () async throws -> Bool in
            try await transaction { tx in
                let doc = Self.encode(provider.json)
                let rows = try await tx.query(
                    """
                    INSERT INTO providers (id, doc) VALUES (\(provider.id), \(doc))
                    ON CONFLICT (id) DO UPDATE SET doc = excluded.doc RETURNING (xmax = 0)
                    """, logger: logger)
                var inserted = false
                for try await i in rows.decode(Bool.self) { inserted = i }
                try await Self.recordVersion(tx, provider.id, doc, at: time, logger)
                return inserted
            }
        }
    }

    /// A provider's new version (nil: deleted), in the transaction that changed it.
    static func recordVersion(_ tx: PostgresConnection, _ id: String, _ doc: String?, at time: Date, _ logger: Logger)
        async throws
    {
        try await tx.query(
            "INSERT INTO provider_versions (provider_id, valid_from, doc) VALUES (\(id), \(time.timeIntervalSince1970), \(doc))",
            logger: logger)
    }

    public func providerVersions(id: String) async throws -> [ProviderVersion] {
        try await bounded { [self] () async throws -> [ProviderVersion] in
            var out: [ProviderVersion] = []
            let rows = try await client.query(
                "SELECT valid_from, doc FROM provider_versions WHERE provider_id = \(id) ORDER BY valid_from, seq",
                logger: logger)
            for try await (from, doc) in rows.decode((Double, String?).self) {
                out.append(
                    ProviderVersion(
                        validFrom: Date(timeIntervalSince1970: from),
                        provider: try doc.map { try Provider(stored: Self.decode($0)) }
                    ))
            }
            return out
        }
    }

    public func provider(id: String, at time: Date) async throws -> ProviderAsOf {
        try await bounded { [self] () async throws -> ProviderAsOf in
            let rows = try await client.query(
                """
                SELECT valid_from, doc FROM provider_versions WHERE provider_id = \(id) AND valid_from <= \(time.timeIntervalSince1970)
                ORDER BY valid_from DESC, seq DESC LIMIT 1
                """, logger: logger)
            for try await (from, doc) in rows.decode((Double, String?).self) {
                return ProviderAsOf(
                    provider: try doc.map { try Provider(stored: Self.decode($0)) },
                    predatesHistory: from == ProviderAsOf.beforeHistory)
            }
            return ProviderAsOf(provider: nil, predatesHistory: false)
        }
    }

    /// The tables that keep one JSON document per id.
    enum DocumentTable: String {
        case providers, subjects
    }

    /// Creates or replaces a document; true when it is new.
    func upsert(_ table: DocumentTable, id: String, _ value: JSONValue) async throws -> Bool {
        try await bounded { [self] () async throws -> Bool in
            let doc = Self.encode(value)
            let rows = try await client.query(
                """
                INSERT INTO \(unescaped: table.rawValue) (id, doc) VALUES (\(id), \(doc))
                ON CONFLICT (id) DO UPDATE SET doc = excluded.doc RETURNING (xmax = 0)
                """, logger: logger)
            for try await inserted in rows.decode(Bool.self) { return inserted }
            return false
        }
    }

    public func replaceProviderKeepingSuspension(_ provider: Provider, at time: Date) async throws
        -> (provider: Provider, created: Bool)
    {
        try await bounded { [self] () async throws -> (provider: Provider, created: Bool) in
            try await transaction { tx in
                var stored = provider
                let existing = try await Self.provider(tx, provider.id, forUpdate: true, logger)
                stored.suspended = existing?.suspended ?? false
                let doc = Self.encode(stored.json)
                try await tx.query(
                    "INSERT INTO providers (id, doc) VALUES (\(provider.id), \(doc)) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                    logger: logger)
                try await Self.recordVersion(tx, provider.id, doc, at: time, logger)
                return (stored, existing == nil)
            }
        }
    }

    public func provider(id: String) async throws -> Provider? {
        try await bounded { [self] () async throws -> Provider? in
            try await client.withConnection { try await Self.provider($0, id, forUpdate: false, logger) }
        }
    }

    static func provider(_ connection: PostgresConnection, _ id: String, forUpdate: Bool, _ logger: Logger) async throws
        -> Provider?
    {
        let query: PostgresQuery =
            forUpdate
            ? "SELECT doc FROM providers WHERE id = \(id) FOR UPDATE" : "SELECT doc FROM providers WHERE id = \(id)"
        for try await doc in try await connection.query(query, logger: logger).decode(String.self) {
            return try Provider(stored: decode(doc))
        }
        return nil
    }

    public func providers() async throws -> [Provider] {
        try await bounded { [self] () async throws -> [Provider] in
            var out: [Provider] = []
            for try await doc in try await client.query("SELECT doc FROM providers ORDER BY id", logger: logger).decode(
                String.self)
            {
                out.append(try Provider(stored: Self.decode(doc)))
            }
            return out
        }
    }

    public func deleteProvider(id: String, at time: Date) async throws -> Bool {
        try await bounded { [self] () async throws -> Bool in
            try await transaction { tx in
                let rows = try await tx.query("DELETE FROM providers WHERE id = \(id) RETURNING id", logger: logger)
                var deleted = false
                for try await _ in rows.decode(String.self) { deleted = true }
                if deleted { try await Self.recordVersion(tx, id, nil, at: time, logger) }
                return deleted
            }
        }
    }

    public func setSuspended(providerID: String, _ suspended: Bool, at time: Date) async throws -> Provider? {
        try await bounded { [self] () async throws -> Provider? in
            try await transaction { tx in
                guard var p = try await Self.provider(tx, providerID, forUpdate: true, logger) else { return nil }
                p.suspended = suspended
                let doc = Self.encode(p.json)
                try await tx.query("UPDATE providers SET doc = \(doc) WHERE id = \(providerID)", logger: logger)
                try await Self.recordVersion(tx, providerID, doc, at: time, logger)
                return p
            }
        }
    }

    public func putSubject(_ subject: Subject) async throws -> Bool {
        try await upsert(.subjects, id: subject.id, subject.json)
    }

    public func subject(id: String) async throws -> Subject? {
        try await bounded { [self] () async throws -> Subject? in
            let rows = try await client.query("SELECT doc FROM subjects WHERE id = \(id)", logger: logger)
            for try await doc in rows.decode(String.self) { return try Subject(stored: Self.decode(doc)) }
            return nil
        }
    }

    public func insertConsent(_ consent: Consent) async throws { try await insertConsents([consent]) }

    public func consents(subjectID: String) async throws -> [Consent] {
        try await bounded { [self] () async throws -> [Consent] in
            var out: [Consent] = []
            let rows = try await client.query(
                "SELECT doc FROM consents WHERE subject_id = \(subjectID) ORDER BY seq", logger: logger)
            for try await doc in rows.decode(String.self) { out.append(try Consent(stored: Self.decode(doc))) }
            return out
        }
    }

    public func consent(subjectID: String, idOrReceiptID: String) async throws -> Consent? {
        try await bounded { [self] () async throws -> Consent? in
            let rows = try await client.query(
                """
                SELECT doc FROM consents WHERE subject_id = \(subjectID) AND (id = \(idOrReceiptID) OR receipt_id = \(idOrReceiptID))
                """, logger: logger)
            for try await doc in rows.decode(String.self) { return try Consent(stored: Self.decode(doc)) }
            return nil
        }
    }

    /// The provider, the subject and the subject's consents as committed now, in one round trip:
    /// the freshness rule for replicas (docs/decisions/0012).
    public func decisionState(providerID: String, subjectID: String) async throws -> DecisionState {
        try await bounded { [self] () async throws -> DecisionState in
            let rows = try await client.query(
                """
                SELECT (SELECT doc FROM providers WHERE id = \(providerID)),
                       (SELECT doc FROM subjects WHERE id = \(subjectID)),
                       (SELECT COALESCE(json_agg(doc ORDER BY seq), '[]'::json)::text FROM consents WHERE subject_id = \(subjectID))
                """, logger: logger)
            for try await (provider, subject, consents) in rows.decode((String?, String?, String).self) {
                let docs = try Self.decode(consents).arrayValue ?? []
                return DecisionState(
                    provider: try provider.map { try Provider(stored: Self.decode($0)) },
                    subject: try subject.map { try Subject(stored: Self.decode($0)) },
                    consents: try docs.map { doc in
                        guard let text = doc.stringValue else { throw PostgresStoreDamaged(detail: "a consent is not text") }
                        return try Consent(stored: Self.decode(text))
                    })
            }
            return DecisionState(provider: nil, subject: nil, consents: [])
        }
    }
}

/// A row the store cannot read back as it wrote it.
public struct PostgresStoreDamaged: Error, CustomStringConvertible {
    public var detail: String

    public var description: String { "the PostgreSQL store is damaged (\(detail)); run 'discreet verify'" }
}
