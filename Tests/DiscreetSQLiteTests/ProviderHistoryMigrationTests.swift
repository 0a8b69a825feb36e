import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB
import Testing

@testable import DiscreetSQLite

/// A store made before provider history carries each provider over as holding "since before
/// history"; `discreet migrate` copies the versions.
@Suite struct ProviderHistoryMigrationTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    static func acme(_ agreement: String) -> Provider {
        Provider(
            id: "acme", kind: "service-provider",
            agreements: [
                Agreement(
                    id: agreement, type: "BAA", purposes: ["billing"], categories: [CategoryPattern("health.*")],
                    validFrom: t0, validUntil: t0.addingTimeInterval(1e7))
            ])
    }

    @Test func providersFromBeforeTheMigrationHoldSinceBeforeHistory() async throws {
        let directory = NSTemporaryDirectory() + "discreet-v7-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A store as v7 left it: migrated up to v7, a provider written straight into its table.
        let old = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(SQLiteStore.fileName))
        try SQLiteStore.migrator.migrate(old, upTo: "v7-cosignatures")
        let doc = SQLiteStore.encode(Self.acme("old").json)
        try await old.write { db in try db.execute(sql: "INSERT INTO providers (id, doc) VALUES ('acme', ?)", arguments: [doc]) }
        try old.close()
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        let asOf = try await store.provider(id: "acme", at: Date(timeIntervalSince1970: 1))
        #expect(asOf == ProviderAsOf(provider: Self.acme("old"), predatesHistory: true))
        _ = try await store.putProvider(Self.acme("new"), at: Self.t0)
        #expect(try await store.provider(id: "acme", at: Self.t0).predatesHistory == false)
        let rows = try await store.exportRows()
        #expect(rows.providerVersions.map(\.validFrom) == [0, Self.t0.timeIntervalSince1970])
    }

    /// Consents that had expired before recalls existed are not recalled by the first sweep after
    /// the upgrade; those expiring later are.
    @Test func consentsExpiredBeforeRecallsBeganAreNotRecalledNow() async throws {
        let directory = NSTemporaryDirectory() + "discreet-v8-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(SQLiteStore.fileName))
        try SQLiteStore.migrator.migrate(old, upTo: "v8-provider-versions")
        func consent(_ id: String, expires: Date) -> Consent {
            Consent(
                id: id, subject: "s-1", provider: "acme", purposes: ["billing"], categories: [CategoryPattern("health.*")],
                grantedAt: Date(timeIntervalSince1970: 1_600_000_000), expiresAt: expires, method: "written",
                evidenceDigest: "d", evidenceReference: "r", noticeVersion: "1")
        }
        let long = Date().addingTimeInterval(86_400 * 365 * 50)
        for c in [consent("expired", expires: Date(timeIntervalSince1970: 1_700_000_000)), consent("later", expires: long)] {
            let doc = SQLiteStore.encode(c.storedJSON)
            try await old.write { db in
                try db.execute(
                    sql: "INSERT INTO consents (id, subject_id, doc) VALUES (?, 's-1', ?)", arguments: [c.id, doc])
            }
        }
        try old.close()
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        #expect(try await store.expiredConsentsNotEnded(now: long.addingTimeInterval(1), limit: 10).map(\.id) == ["later"])
    }
}
