import DiscreetPolicy
import DiscreetSQLite
import DiscreetStore
import Foundation
import GRDB
import Testing

/// The embedded store on a real SQLite file.
@Suite struct SQLiteStoreTests {
    let directory = NSTemporaryDirectory() + "discreet-store-" + UUID().uuidString
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func consent(_ id: String) -> Consent {
        Consent(
            id: id, subject: "s-1", provider: "acme", purposes: ["billing"], categories: [CategoryPattern("health.*")],
            grantedAt: t0, expiresAt: t0.addingTimeInterval(86_400), method: "written", evidenceDigest: "d",
            evidenceReference: "r", noticeVersion: "1")
    }

    func append(_ store: SQLiteStore, _ n: Int, subject: String = "s-1") async throws -> LedgerReceipt {
        try await store.append(
            LedgerAppend(
                disclosureID: "d-\(n)-\(subject)", subjectID: subject, providerID: "acme", purpose: "billing", recordedAt: t0,
                entry: Array("{\"n\":\(n)}".utf8)))
    }

    @Test func theLedgerIsAppendOnlyAndIndexedFromZero() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        #expect(try await append(store, 0).index == 0)
        #expect(try await append(store, 1, subject: "s-2").index == 1)
        let third = try await append(store, 2)
        #expect(third.index == 2)
        #expect(third.leafHash.count == 32)
        #expect(try await store.entries(subjectID: "s-1").map(\.index) == [0, 2])
        #expect(try await store.entries(subjectID: "nobody").isEmpty)
        #expect(try await store.entryCount() == 3)
        // The database itself refuses edits and deletions of ledger rows.
        let raw = try DatabaseQueue(path: store.path)
        let update = await #expect(throws: DatabaseError.self) {
            try await raw.write { db in try db.execute(sql: "UPDATE disclosures SET subject_id = 'x' WHERE ledger_index = 0") }
        }
        #expect(update?.message == "the disclosure ledger is append-only")
        let delete = await #expect(throws: DatabaseError.self) {
            try await raw.write { db in try db.execute(sql: "DELETE FROM disclosures WHERE ledger_index = 0") }
        }
        #expect(delete?.message == "the disclosure ledger is append-only")
        // A disclosure id is recorded once.
        let duplicate = await #expect(throws: DatabaseError.self) { _ = try await append(store, 0) }
        #expect(duplicate?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
        #expect(try await store.entryCount() == 3)
    }

    @Test func consentsKeepTheirHistoryAndWithdrawalIsIdempotent() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        var c1 = consent("c-1")
        c1.receiptID = "rcpt-1"
        c1.receipt = "jws-1"
        try await store.insertConsent(c1)
        try await store.insertConsent(consent("c-2"))
        // Found by its id or its receipt's id, for its own subject only.
        #expect(try await store.consent(subjectID: "s-1", idOrReceiptID: "c-1") == c1)
        #expect(try await store.consent(subjectID: "s-1", idOrReceiptID: "rcpt-1") == c1)
        #expect(try await store.consent(subjectID: "s-2", idOrReceiptID: "rcpt-1") == nil)
        var withdrawing = c1
        withdrawing.withdrawnAt = t0.addingTimeInterval(10)
        withdrawing.withdrawalReceiptID = "rcpt-w1"
        let first = try #require(try await store.withdraw(withdrawing) { _, _ in [] }?.consent)
        #expect(first.withdrawnAt == t0.addingTimeInterval(10))
        #expect(first.withdrawalReceiptID == "rcpt-w1")
        #expect(first.receipt == "jws-1")
        var later = c1
        later.withdrawnAt = t0.addingTimeInterval(99)
        later.withdrawalReceiptID = "rcpt-w2"
        let again = try await store.withdraw(later) { _, _ in [] }?.consent
        #expect(again?.withdrawnAt == t0.addingTimeInterval(10))
        #expect(again?.withdrawalReceiptID == "rcpt-w1")
        var stranger = consent("c-9")
        stranger.withdrawnAt = t0
        #expect(try await store.withdraw(stranger) { _, _ in [] } == nil)
        let all = try await store.consents(subjectID: "s-1")
        #expect(all.map(\.id) == ["c-1", "c-2"])
        #expect(all[0].status(at: t0.addingTimeInterval(11)) == .withdrawn)
        #expect(all[1].status(at: t0.addingTimeInterval(11)) == .active)
        #expect(all[1] == consent("c-2"))
    }

    @Test func providersSubjectsKeysAndPoliciesRoundTrip() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        let agreement = Agreement(
            id: "a", type: "BAA", purposes: ["billing"], categories: [CategoryPattern("*")], validFrom: t0,
            validUntil: t0.addingTimeInterval(1), documentDigest: "sha256:1")
        let provider = Provider(id: "acme", kind: "service-provider", agreements: [agreement], servesCompetitorsOf: ["s-9"])
        #expect(try await store.putProvider(provider))
        #expect(try await store.putProvider(provider) == false)
        #expect(try await store.provider(id: "acme") == provider)
        #expect(try await store.setSuspended(providerID: "acme", true)?.suspended == true)
        #expect(try await store.provider(id: "acme")?.suspended == true)
        let subject = Subject(id: "s-1", tags: ["part2"], restrictions: [Restriction(provider: "acme")])
        #expect(try await store.putSubject(subject))
        let state = try await store.decisionState(providerID: "acme", subjectID: "s-1")
        #expect(state.subject == subject)
        #expect(state.provider?.suspended == true)
        #expect(try await store.deleteProvider(id: "acme"))
        #expect(try await store.deleteProvider(id: "acme") == false)

        let key = APIKeyRecord(
            id: "0123456789ab", digest: Array(repeating: 7, count: 32), roles: [.admin, .provider("acme")], label: "ops",
            createdAt: t0)
        try await store.insertKey(key)
        #expect(try await store.key(id: "0123456789ab") == key)
        #expect(try await store.keyCount() == 1)

        let p1 = try await store.savePolicy(label: "v1", digest: "d1", source: "s1", at: t0)
        let p2 = try await store.savePolicy(label: "v2", digest: "d2", source: "s2", at: t0)
        #expect(p1.revision == 1)
        #expect(p2.revision == 2)
        #expect(try await store.currentPolicy() == p2)
    }

    /// A replacement keeps the suspension the store holds at the moment it writes: a suspend
    /// that landed after the administrator read the provider is not undone.
    @Test func replacingAProviderKeepsTheStoredSuspension() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        var provider = Provider(id: "acme", kind: "service-provider", agreements: [])
        let (created, isNew) = try await store.replaceProviderKeepingSuspension(provider)
        #expect(isNew)
        #expect(created.suspended == false)
        _ = try await store.setSuspended(providerID: "acme", true)
        // The body says nothing of suspension (or says it is not suspended): the store's word holds.
        provider.kind = "authority"
        provider.suspended = false
        let (replaced, again) = try await store.replaceProviderKeepingSuspension(provider)
        #expect(again == false)
        #expect(replaced.suspended == true)
        #expect(replaced.kind == "authority")
        #expect(try await store.provider(id: "acme") == replaced)
        // A new provider starts unsuspended even when the value says otherwise.
        var fresh = Provider(id: "new", kind: "service-provider", agreements: [])
        fresh.suspended = true
        #expect(try await store.replaceProviderKeepingSuspension(fresh).provider.suspended == false)
    }

    @Test func reopeningKeepsEverythingAndMigratesOnce() async throws {
        do {
            let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
            _ = try await append(store, 0)
            _ = try await store.savePolicy(label: "v1", digest: "d", source: "s", at: t0)
        }
        let reopened = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        #expect(try await reopened.entryCount() == 1)
        #expect(try await reopened.currentPolicy()?.revision == 1)
        #expect(await reopened.isWritable())
        // WAL mode, and the committing connection syncs fully (2 is FULL; OFF, 0, or NORMAL, 1,
        // could lose an acknowledged append at power loss, which no kill test can show).
        let durability = try await reopened.durability()
        #expect(durability.journalMode == "wal")
        #expect(durability.synchronous == 2)
    }
}
