import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB
import Testing

@testable import DiscreetSQLite

/// The decision state is served from memory, and every kind of registry write, through whichever
/// call, is visible to the very next read (DESIGN §7.4).
@Suite struct DecisionStateCacheTests {
    let directory = NSTemporaryDirectory() + "discreet-cache-" + UUID().uuidString
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func consent(_ id: String, subject: String = "s-1") -> Consent {
        Consent(
            id: id, subject: subject, provider: "acme", purposes: ["billing"], categories: [CategoryPattern("health.*")],
            grantedAt: t0, expiresAt: t0.addingTimeInterval(86_400), method: "written", evidenceDigest: "d",
            evidenceReference: "r", noticeVersion: "1")
    }

    func state(_ store: SQLiteStore, subject: String = "s-1") async throws -> DecisionState {
        try await store.decisionState(providerID: "acme", subjectID: subject)
    }

    @Test func aWithdrawalIsSeenByTheNextRead() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        try await store.insertConsent(consent("c-1"))
        #expect(try await state(store).consents.map(\.withdrawnAt) == [nil])
        // Read twice: the second answer comes from memory and is the same.
        #expect(try await state(store).consents.map(\.id) == ["c-1"])
        var w = consent("c-1")
        w.withdrawnAt = t0.addingTimeInterval(5)
        _ = try await store.withdraw(w) { _, _ in [] }
        #expect(try await state(store).consents.map(\.withdrawnAt) == [t0.addingTimeInterval(5)])
    }

    @Test func everyRegistryWriteInvalidates() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        #expect(try await state(store).provider == nil)
        #expect(try await state(store).subject == nil)

        _ = try await store.putProvider(Provider(id: "acme", kind: "service-provider", agreements: []))
        #expect(try await state(store).provider?.suspended == false)
        _ = try await store.setSuspended(providerID: "acme", true)
        #expect(try await state(store).provider?.suspended == true)
        _ = try await store.deleteProvider(id: "acme")
        #expect(try await state(store).provider == nil)

        _ = try await store.putSubject(Subject(id: "s-1", tags: ["minor"]))
        #expect(try await state(store).subject?.tags == ["minor"])
        _ = try await store.putSubject(Subject(id: "s-1", tags: []))
        #expect(try await state(store).subject?.tags == [])

        try await store.insertConsents([consent("c-1"), consent("c-2")])
        #expect(try await state(store).consents.map(\.id) == ["c-1", "c-2"])
        try await store.stageConsents(importID: "imp-1", [consent("c-3")])
        // Staged is not in force.
        #expect(try await state(store).consents.map(\.id) == ["c-1", "c-2"])
        _ = try await store.commitStagedConsents(importID: "imp-1")
        #expect(try await state(store).consents.map(\.id) == ["c-1", "c-2", "c-3"])
    }

    @Test func aWriteOutsideTheStoreAPIInvalidatesToo() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        try await store.insertConsent(consent("c-1"))
        #expect(try await state(store).consents.count == 1)
        // Any SQL on the store's own writer connection is observed, not only the calls above.
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM consents") }
        #expect(try await state(store).consents.isEmpty)
    }

    @Test func aStaleReadIsNotKept() async throws {
        let cache = DecisionStateCache()
        let (_, generation) = cache.lookup(providerID: "acme", subjectID: "s-1")
        cache.invalidate()  // a write committed while the read was in flight
        cache.store(
            DecisionState(provider: nil, subject: nil, consents: []), providerID: "acme", subjectID: "s-1",
            generation: generation)
        #expect(cache.lookup(providerID: "acme", subjectID: "s-1").hit == nil)
    }

    @Test func theCacheIsBounded() {
        let cache = DecisionStateCache(capacity: 3)
        for i in 0..<10 {
            cache.store(
                DecisionState(provider: nil, subject: nil, consents: []), providerID: "acme", subjectID: "s-\(i)",
                generation: 0)
        }
        #expect(cache.count.subjects == 3)
        #expect(cache.count.providers == 1)
        #expect(cache.lookup(providerID: "acme", subjectID: "s-9").hit != nil)
    }

    @Test func ledgerAppendsKeepTheCache() async throws {
        let store = try SQLiteStore(directory: directory, ledgerDeadline: TestDeadline.ledger)
        try await store.insertConsent(consent("c-1"))
        _ = try await state(store)
        _ = try await store.append(
            LedgerAppend(
                disclosureID: "d-1", subjectID: "s-1", providerID: "acme", purpose: "billing", recordedAt: t0,
                entry: Array("{}".utf8)))
        let before = store.decisionCache.generation
        #expect(store.decisionCache.lookup(providerID: "acme", subjectID: "s-1").hit != nil)
        _ = try await store.append(
            LedgerAppend(
                disclosureID: "d-2", subjectID: "s-1", providerID: "acme", purpose: "billing", recordedAt: t0,
                entry: Array("{}".utf8)))
        #expect(store.decisionCache.generation == before)
        #expect(store.decisionCache.lookup(providerID: "acme", subjectID: "s-1").hit != nil)
        try await store.insertConsent(consent("c-2"))
        #expect(store.decisionCache.generation == before + 1)
        #expect(store.decisionCache.lookup(providerID: "acme", subjectID: "s-1").hit == nil)
    }
}
