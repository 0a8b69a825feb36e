import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

extension SQLiteStore {
    /// The tables that keep one JSON document per id.
    enum DocumentTable: String {
        case providers, subjects
    }

    /// Creates or replaces a document; returns true when it is new.
    func upsert(_ table: DocumentTable, id: String, _ value: JSONValue) async throws -> Bool {
        let doc = Self.encode(value)
        return try await pool.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table.rawValue) WHERE id = ?", arguments: [id]) ?? false
            try db.execute(
                sql: "INSERT INTO \(table.rawValue) (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                arguments: [id, doc])
            return !existed
        }
    }

    static func document(_ db: Database, _ table: DocumentTable, _ id: String) throws -> JSONValue? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT doc FROM \(table.rawValue) WHERE id = ?"), arguments: [id]).map(
            decode)
    }

    public func putProvider(_ provider: Provider, at time: Date) async throws -> Bool {
        let doc = Self.encode(provider.json)
        return try await pool.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM providers WHERE id = ?", arguments: [provider.id]) ?? false
            try db.execute(
                sql: "INSERT INTO providers (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                arguments: [provider.id, doc])
            try Self.recordVersion(db, provider.id, doc, at: time)
            return !existed
        }
    }

    public func replaceProviderKeepingSuspension(_ provider: Provider, at time: Date) async throws
        -> (provider: Provider, created: Bool)
    {
        try await pool.write { db in
            var stored = provider
            let existing = try Self.provider(db, provider.id)
            stored.suspended = existing?.suspended ?? false
            let doc = Self.encode(stored.json)
            try db.execute(
                sql: "INSERT INTO providers (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                arguments: [provider.id, doc])
            try Self.recordVersion(db, provider.id, doc, at: time)
            return (stored, existing == nil)
        }
    }

    public func provider(id: String) async throws -> Provider? {
        try await pool.read { db in try Self.provider(db, id) }
    }

    static func provider(_ db: Database, _ id: String) throws -> Provider? {
        try document(db, .providers, id).map(Provider.init(stored:))
    }

    public func providers() async throws -> [Provider] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT doc FROM providers ORDER BY id").map { try Provider(stored: Self.decode($0)) }
        }
    }

    public func deleteProvider(id: String, at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM providers WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try Self.recordVersion(db, id, nil, at: time)
            return true
        }
    }

    public func setSuspended(providerID: String, _ suspended: Bool, at time: Date) async throws -> Provider? {
        try await pool.write { db in
            guard var p = try Self.provider(db, providerID) else { return nil }
            p.suspended = suspended
            let doc = Self.encode(p.json)
            try db.execute(sql: "UPDATE providers SET doc = ? WHERE id = ?", arguments: [doc, providerID])
            try Self.recordVersion(db, providerID, doc, at: time)
            return p
        }
    }

    /// A provider's new version (nil: deleted), in the transaction that changed it.
    static func recordVersion(_ db: Database, _ id: String, _ doc: String?, at time: Date) throws {
        try db.execute(
            sql: "INSERT INTO provider_versions (provider_id, valid_from, doc) VALUES (?, ?, ?)",
            arguments: [id, time.timeIntervalSince1970, doc])
    }

    public func providerVersions(id: String) async throws -> [ProviderVersion] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT valid_from, doc FROM provider_versions WHERE provider_id = ? ORDER BY valid_from, seq",
                arguments: [id]
            ).map { row in
                let doc: String? = row["doc"]
                return ProviderVersion(
                    validFrom: Date(timeIntervalSince1970: row["valid_from"]),
                    provider: try doc.map { try Provider(stored: Self.decode($0)) })
            }
        }
    }

    public func provider(id: String, at time: Date) async throws -> ProviderAsOf {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT valid_from, doc FROM provider_versions WHERE provider_id = ? AND valid_from <= ?
                        ORDER BY valid_from DESC, seq DESC LIMIT 1
                        """), arguments: [id, time.timeIntervalSince1970])
            guard let row else { return ProviderAsOf(provider: nil, predatesHistory: false) }
            let doc: String? = row["doc"]
            let from: Double = row["valid_from"]
            return ProviderAsOf(
                provider: try doc.map { try Provider(stored: Self.decode($0)) },
                predatesHistory: from == ProviderAsOf.beforeHistory)
        }
    }

    public func putSubject(_ subject: Subject) async throws -> Bool {
        try await upsert(.subjects, id: subject.id, subject.json)
    }

    public func subject(id: String) async throws -> Subject? {
        try await pool.read { db in try Self.subject(db, id) }
    }

    static func subject(_ db: Database, _ id: String) throws -> Subject? {
        try document(db, .subjects, id).map(Subject.init(stored:))
    }

    public func insertConsent(_ consent: Consent) async throws { try await insertConsents([consent]) }

    public func consents(subjectID: String) async throws -> [Consent] {
        try await pool.read { db in try Self.consents(db, subjectID) }
    }

    static func consents(_ db: Database, _ subjectID: String) throws -> [Consent] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT doc FROM consents WHERE subject_id = ? ORDER BY rowid"), arguments: [subjectID]
        )
        .map { try Consent(stored: decode($0)) }
    }

    public func consent(subjectID: String, idOrReceiptID: String) async throws -> Consent? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT doc FROM consents WHERE subject_id = ? AND (id = ? OR receipt_id = ?)",
                arguments: [subjectID, idOrReceiptID, idOrReceiptID]
            ).map { try Consent(stored: Self.decode($0)) }
        }
    }

    public func decisionState(providerID: String, subjectID: String) async throws -> DecisionState {
        let (hit, generation) = decisionCache.lookup(providerID: providerID, subjectID: subjectID)
        if let hit { return hit }
        let state = try await pool.read { db in
            DecisionState(
                provider: try Self.provider(db, providerID), subject: try Self.subject(db, subjectID),
                consents: try Self.consents(db, subjectID))
        }
        decisionCache.store(state, providerID: providerID, subjectID: subjectID, generation: generation)
        return state
    }
}
