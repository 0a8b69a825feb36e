import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Synchronization
import Testing

/// Recalls on every backend: opened in the withdrawal's transaction from the entries committed
/// then, moved only by the ledger entries recording their steps, claimed once by a delivery pass.
@Suite struct RecallStoreTests {
    static let t0 = StoreSuiteTests.t0

    static func recall(_ id: String, provider: String = "acme", indexes: [Int64], at: Date = t0) -> Recall {
        Recall(
            id: id, subjectID: "s-1", providerID: provider, cause: .consentWithdrawn, consentID: "c-1", openedAt: at,
            disclosures: indexes.map {
                RecalledDisclosure(
                    ledgerIndex: $0, disclosureID: "d-\($0)", time: at, purpose: "billing", categories: ["health.dx"],
                    tokens: ["account": "tok-\($0)"])
            }, subjectToken: "st-1")
    }

    static func step(_ recall: String, _ kind: RecallStep.Kind, n: Int, at seconds: Double = 0) -> LedgerAppend {
        LedgerAppend(
            disclosureID: "rcs-\(n)", subjectID: "s-1", providerID: "acme", purpose: "recall",
            recordedAt: t0.addingTimeInterval(seconds), entry: Array("{\"step\":\(n)}".utf8),
            recallStep: RecallStep(recallID: recall, kind: kind, at: t0.addingTimeInterval(seconds)))
    }

    @Test(arguments: Backend.all) func aWithdrawalOpensItsRecallsInItsOwnTransaction(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            try await store.insertConsent(StoreSuiteTests.consent("c-1"))
            _ = try await store.append([
                StoreSuiteTests.entry(0), StoreSuiteTests.entry(1, subject: "s-2"), StoreSuiteTests.entry(2),
            ])
            var withdrawal = StoreSuiteTests.consent("c-1")
            withdrawal.withdrawnAt = Self.t0.addingTimeInterval(60)

            // A plan that fails leaves the consent in force: no withdrawal without its recalls.
            struct PlanFailed: Error {}
            await #expect(throws: PlanFailed.self) {
                _ = try await store.withdraw(withdrawal) { _, _ in throw PlanFailed() }
            }
            #expect(try await store.consents(subjectID: "s-1").first?.withdrawnAt == nil)

            // The plan sees the subject's entries, as committed, in index order.
            let seen = Mutex<[Int64]>([])
            let result = try #require(
                try await store.withdraw(withdrawal) { entries, _ in
                    seen.withLock { $0 = entries.map(\.index) }
                    return [Self.recall("rcl-1", indexes: entries.map(\.index))]
                })
            #expect(seen.withLock { $0 } == [0, 2])
            #expect(result.consent.withdrawnAt == withdrawal.withdrawnAt)
            #expect(result.recalls.map(\.id) == ["rcl-1"])
            #expect(try await store.recall(id: "rcl-1") == Self.recall("rcl-1", indexes: [0, 2]))
            #expect(try await store.recalls(subjectID: "s-1").map(\.id) == ["rcl-1"])
            #expect(try await store.recalls(subjectID: "s-2").isEmpty)

            // Withdrawn already: no plan, no recall.
            let again = try #require(
                try await store.withdraw(withdrawal) { _, _ in
                    Issue.record("a second withdrawal planned recalls")
                    return []
                })
            #expect(again.recalls.isEmpty)
            #expect(try await store.withdraw(StoreSuiteTests.consent("c-none")) { _, _ in [] } == nil)
        }
    }

    @Test(arguments: Backend.all) func aRecallMovesOnlyWithTheEntriesOfItsSteps(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            try await store.insertConsent(StoreSuiteTests.consent("c-1"))
            _ = try await store.append([StoreSuiteTests.entry(0)])
            var withdrawal = StoreSuiteTests.consent("c-1")
            withdrawal.withdrawnAt = Self.t0
            _ = try await store.withdraw(withdrawal) { _, _ in
                [Self.recall("rcl-1", indexes: [0]), Self.recall("rcl-2", provider: "beta", indexes: [0])]
            }
            // Not claimed before its opened entry is in the ledger.
            #expect(
                try await store.recallsWithoutOpenedEntry(openedBefore: Self.t0.addingTimeInterval(1), limit: 10).map(\.id)
                    == ["rcl-1", "rcl-2"])
            #expect(try await store.recallsWithoutOpenedEntry(openedBefore: Self.t0, limit: 10).isEmpty)
            #expect(try await store.claimDueRecalls(now: Self.t0.addingTimeInterval(1), lease: 30, limit: 10).isEmpty)
            let opened = try await store.append([Self.step("rcl-1", .opened, n: 1), Self.step("rcl-2", .opened, n: 2)])
            // An opened step applied twice keeps the first index.
            _ = try await store.append([Self.step("rcl-1", .opened, n: 3)])
            #expect(try await store.recall(id: "rcl-1")?.openedIndex == opened[0].index)
            #expect(try await store.recallsWithoutOpenedEntry(openedBefore: Self.t0.addingTimeInterval(99), limit: 10).isEmpty)

            // Claimed once, not again within the lease; a failed attempt sets the next.
            let now = Self.t0.addingTimeInterval(5)
            #expect(try await store.claimDueRecalls(now: now, lease: 30, limit: 1).map(\.id) == ["rcl-1"])
            #expect(try await store.claimDueRecalls(now: now, lease: 30, limit: 10).map(\.id) == ["rcl-2"])
            #expect(try await store.claimDueRecalls(now: now.addingTimeInterval(29), lease: 30, limit: 10).isEmpty)
            try await store.markRecallAttempt(id: "rcl-1", attempts: 1, retryAt: now.addingTimeInterval(2), error: "HTTP 503")
            let failed = try #require(try await store.recall(id: "rcl-1"))
            #expect(failed.attempts == 1)
            #expect(failed.lastError == "HTTP 503")
            #expect(try await store.claimDueRecalls(now: now.addingTimeInterval(2), lease: 30, limit: 10).map(\.id) == ["rcl-1"])

            // Delivered, then acknowledged, each by its entry; a delivery after acknowledgement
            // changes nothing, nor does a second acknowledgement.
            let delivered = try await store.append([Self.step("rcl-1", .delivered, n: 4, at: 10)])
            var r = try #require(try await store.recall(id: "rcl-1"))
            #expect(r.status == .delivered)
            #expect(r.deliveredIndex == delivered[0].index)
            #expect(r.deliveredAt == Self.t0.addingTimeInterval(10))
            #expect(r.lastError == nil)
            #expect(
                try await store.claimDueRecalls(now: now.addingTimeInterval(999), lease: 30, limit: 10).map(\.id) == ["rcl-2"])
            let acknowledged = try await store.append([Self.step("rcl-1", .acknowledged, n: 5, at: 20)])
            _ = try await store.append([
                Self.step("rcl-1", .delivered, n: 6, at: 30), Self.step("rcl-1", .acknowledged, n: 7, at: 30),
            ])
            r = try #require(try await store.recall(id: "rcl-1"))
            #expect(r.status == .acknowledged)
            #expect(r.acknowledgedIndex == acknowledged[0].index)
            #expect(r.acknowledgedAt == Self.t0.addingTimeInterval(20))
            #expect(r.deliveredIndex == delivered[0].index)
            // An open recall may be acknowledged directly (the manual queue).
            _ = try await store.append([Self.step("rcl-2", .acknowledged, n: 8, at: 40)])
            #expect(try await store.recall(id: "rcl-2")?.status == .acknowledged)
            #expect(try await store.recall(id: "rcl-2")?.deliveredIndex == nil)

            // Listed by status and provider, a page at a time.
            #expect(
                try await store.recalls(status: .acknowledged, providerID: nil, after: nil, limit: 10).map(\.id)
                    == ["rcl-1", "rcl-2"])
            #expect(
                try await store.recalls(status: .acknowledged, providerID: nil, after: "rcl-1", limit: 10).map(\.id)
                    == ["rcl-2"])
            #expect(try await store.recalls(status: nil, providerID: "beta", after: nil, limit: 10).map(\.id) == ["rcl-2"])
            #expect(try await store.recalls(status: .open, providerID: nil, after: nil, limit: 10).isEmpty)
            #expect(try await store.recalls(status: nil, providerID: nil, after: nil, limit: 1).map(\.id) == ["rcl-1"])
        }
    }

    @Test(arguments: Backend.all) func aConsentsEndRecallsOnceWhetherItExpiresOrIsWithdrawn(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            // c-1 expires at t0 + 1 day; c-2 too, but is withdrawn before; c-3 lasts longer.
            try await store.insertConsent(StoreSuiteTests.consent("c-1"))
            try await store.insertConsent(StoreSuiteTests.consent("c-2"))
            var lasting = StoreSuiteTests.consent("c-3")
            lasting.expiresAt = Self.t0.addingTimeInterval(86_400 * 30)
            try await store.insertConsent(lasting)
            var withdrawal = StoreSuiteTests.consent("c-2")
            withdrawal.withdrawnAt = Self.t0.addingTimeInterval(60)
            _ = try await store.withdraw(withdrawal) { _, _ in [] }

            let expiry = Self.t0.addingTimeInterval(86_400)
            #expect(try await store.expiredConsentsNotEnded(now: expiry.addingTimeInterval(-0.5), limit: 10).isEmpty)
            #expect(try await store.expiredConsentsNotEnded(now: expiry, limit: 10).map(\.id) == ["c-1"])
            let c1 = try #require(try await store.expiredConsentsNotEnded(now: expiry, limit: 10).first)
            let opened = try await store.endExpiredConsent(c1, at: expiry) { _, _ in [Self.recall("rcl-x", indexes: [0])] }
            #expect(opened?.map(\.id) == ["rcl-x"])
            // Ended once: not found again, not ended again, and its withdrawal recalls nothing more.
            #expect(
                try await store.expiredConsentsNotEnded(now: expiry.addingTimeInterval(86_400 * 60), limit: 10).map(\.id) == [
                    "c-3"
                ])
            #expect(
                try await store.endExpiredConsent(c1, at: expiry) { _, _ in
                    Issue.record("an ended consent planned recalls again")
                    return []
                } == nil)
            var late = StoreSuiteTests.consent("c-1")
            late.withdrawnAt = expiry.addingTimeInterval(10)
            let withdrawn = try #require(
                try await store.withdraw(late) { _, _ in
                    Issue.record("a withdrawal after the expiry's recalls planned recalls again")
                    return []
                })
            #expect(withdrawn.consent.withdrawnAt == late.withdrawnAt)
            #expect(withdrawn.recalls.isEmpty)
            #expect(try await store.recalls(subjectID: "s-1").map(\.id) == ["rcl-x"])
        }
    }

    @Test(arguments: Backend.all) func anErasuresPlanSeesTheSubjectsEarlierRecalls(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            _ = try await store.append([StoreSuiteTests.entry(0), StoreSuiteTests.entry(1)])
            let seen = Mutex<[[String]]>([])
            for id in ["rcl-1", "rcl-2"] {
                let opened = try await store.openRecalls(subjectID: "s-1") { entries, earlier in
                    seen.withLock { $0.append(earlier.map(\.id)) }
                    return [Self.recall(id, indexes: entries.map(\.index))]
                }
                #expect(opened.map(\.id) == [id])
            }
            #expect(seen.withLock { $0 } == [[], ["rcl-1"]])
            // A failing plan writes nothing.
            struct PlanFailed: Error {}
            await #expect(throws: PlanFailed.self) {
                _ = try await store.openRecalls(subjectID: "s-1") { _, _ in throw PlanFailed() }
            }
            #expect(try await store.recalls(subjectID: "s-1").map(\.id) == ["rcl-1", "rcl-2"])
        }
    }
}
