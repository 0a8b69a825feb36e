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

    public func putProvider(_ provider: Provider) async throws -> Bool {
        try await upsert(.providers, id: provider.id, provider.json)
    }

    public func replaceProviderKeepingSuspension(_ provider: Provider) async throws -> (provider: Provider, created: Bool) {
        try await pool.write { db in
            var stored = provider
            let existing = try Self.provider(db, provider.id)
            stored.suspended = existing?.suspended ?? false
            try db.execute(
                sql: "INSERT INTO providers (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                arguments: [provider.id, Self.encode(stored.json)])
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

    public func deleteProvider(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM providers WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func setSuspended(providerID: String, _ suspended: Bool) async throws -> Provider? {
        try await pool.write { db in
            guard var p = try Self.provider(db, providerID) else { return nil }
            p.suspended = suspended
            try db.execute(sql: "UPDATE providers SET doc = ? WHERE id = ?", arguments: [Self.encode(p.json), providerID])
            return p
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

    public func withdraw(_ consent: Consent) async throws -> Consent? {
        try await pool.write { db in
            guard
                let doc = try String.fetchOne(
                    db, sql: "SELECT doc FROM consents WHERE id = ? AND subject_id = ?", arguments: [consent.id, consent.subject])
            else { return nil }
            let stored = try Consent(stored: Self.decode(doc))
            guard let updated = stored.withdrawn(as: consent) else { return stored }
            try db.execute(
                sql: "UPDATE consents SET doc = ? WHERE id = ?", arguments: [Self.encode(updated.storedJSON), consent.id])
            return updated
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
