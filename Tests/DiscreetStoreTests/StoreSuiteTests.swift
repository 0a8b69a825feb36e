import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Testing

/// Every store test written once and run on every backend (`Backend.all`): what the service
/// relies on, whatever holds its data.
@Suite struct StoreSuiteTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    static func consent(_ id: String, subject: String = "s-1", receipt: String? = nil) -> Consent {
        var c = Consent(
            id: id, subject: subject, provider: "acme", purposes: ["billing"], categories: [CategoryPattern("health.*")],
            grantedAt: t0, expiresAt: t0.addingTimeInterval(86_400), method: "written", evidenceDigest: "d",
            evidenceReference: "r", noticeVersion: "1")
        c.receiptID = receipt
        return c
    }

    static func entry(_ n: Int, subject: String = "s-1") -> LedgerAppend {
        LedgerAppend(
            disclosureID: "d-\(n)", subjectID: subject, providerID: "acme", purpose: "billing", recordedAt: t0,
            entry: Array("{\"n\":\(n)}".utf8))
    }

    func with(_ backend: Backend, signer: CheckpointSigner? = nil, _ body: (any DiscreetStore) async throws -> Void)
        async throws
    {
        let open = try await backend.open(signer: signer)
        do {
            try await body(open.store)
        } catch {
            await open.dispose()
            throw error
        }
        await open.dispose()
    }

    @Test(arguments: Backend.all) func providersAreKeptAndTheirSuspensionSurvivesAReplace(_ backend: Backend) async throws {
        try await with(backend) { store in
            let acme = Provider(
                id: "acme", kind: "service-provider",
                agreements: [
                    Agreement(
                        id: "acme-baa", type: "BAA", purposes: ["billing"], categories: [CategoryPattern("health.*")],
                        validFrom: Self.t0, validUntil: Self.t0.addingTimeInterval(1e6))
                ])
            #expect(try await store.putProvider(acme) == true)
            #expect(try await store.putProvider(acme) == false)
            #expect(try await store.putProvider(Provider(id: "beta", kind: "court")) == true)
            #expect(try await store.providers().map(\.id) == ["acme", "beta"])
            #expect(try await store.provider(id: "acme") == acme)
            #expect(try await store.setSuspended(providerID: "acme", true)?.suspended == true)
            let (replaced, created) = try await store.replaceProviderKeepingSuspension(Provider(id: "acme", kind: "court"))
            #expect(created == false)
            #expect(replaced.suspended == true)
            #expect(try await store.provider(id: "acme")?.kind == "court")
            #expect(try await store.setSuspended(providerID: "nobody", true) == nil)
            #expect(try await store.deleteProvider(id: "beta") == true)
            #expect(try await store.deleteProvider(id: "beta") == false)
            #expect(try await store.provider(id: "beta") == nil)
        }
    }

    @Test(arguments: Backend.all) func consentsAreFoundByIdOrReceiptAndWithdrawnOnce(_ backend: Backend) async throws {
        try await with(backend) { store in
            #expect(try await store.putSubject(Subject(id: "s-1", tags: ["part2"])) == true)
            #expect(try await store.subject(id: "s-1")?.tags == ["part2"])
            try await store.insertConsent(Self.consent("c-1", receipt: "r-1"))
            try await store.insertConsents([Self.consent("c-2"), Self.consent("c-3", subject: "s-2")])
            #expect(try await store.consents(subjectID: "s-1").map(\.id) == ["c-1", "c-2"])
            #expect(try await store.consent(subjectID: "s-1", idOrReceiptID: "r-1")?.id == "c-1")
            #expect(try await store.consent(subjectID: "s-2", idOrReceiptID: "r-1") == nil)
            var withdrawal = Self.consent("c-1")
            withdrawal.withdrawnAt = Self.t0.addingTimeInterval(60)
            #expect(try await store.withdraw(withdrawal) { _, _ in [] }?.consent.withdrawnAt == withdrawal.withdrawnAt)
            var later = withdrawal
            later.withdrawnAt = Self.t0.addingTimeInterval(120)
            #expect(
                try await store.withdraw(later) { _, _ in [] }?.consent.withdrawnAt == withdrawal.withdrawnAt,
                "a withdrawal is final")
            let state = try await store.decisionState(providerID: "acme", subjectID: "s-1")
            #expect(state.provider == nil)
            #expect(state.subject?.id == "s-1")
            #expect(state.consents.map(\.id) == ["c-1", "c-2"])
            #expect(state.consents.first?.withdrawnAt == withdrawal.withdrawnAt)
            // A duplicate id is refused, and nothing of its batch is kept.
            await #expect(throws: (any Error).self) {
                try await store.insertConsents([Self.consent("c-9"), Self.consent("c-2")])
            }
            #expect(try await store.consents(subjectID: "s-1").map(\.id) == ["c-1", "c-2"])
        }
    }

    @Test(arguments: Backend.all) func stagedConsentsAreCommittedOrDiscardedWhole(_ backend: Backend) async throws {
        try await with(backend) { store in
            try await store.stageConsents(importID: "i-1", [Self.consent("a"), Self.consent("b")])
            try await store.stageConsents(importID: "i-2", [Self.consent("z")])
            #expect(try await store.consents(subjectID: "s-1").isEmpty)
            #expect(try await store.commitStagedConsents(importID: "i-1") == 2)
            try await store.discardStagedConsents(importID: "i-2")
            #expect(try await store.commitStagedConsents(importID: "i-2") == 0)
            #expect(try await store.consents(subjectID: "s-1").map(\.id) == ["a", "b"])
        }
    }

    @Test(arguments: Backend.all) func keysAndPolicyRevisions(_ backend: Backend) async throws {
        try await with(backend) { store in
            let key = APIKeyRecord(
                id: "k-1", digest: Array(repeating: 7, count: 32), roles: [.admin, .auditor], label: "ops", createdAt: Self.t0)
            try await store.insertKey(key)
            #expect(try await store.key(id: "k-1") == key)
            #expect(try await store.key(id: "k-2") == nil)
            #expect(try await store.keyCount() == 1)
            #expect(try await store.currentPolicy() == nil)
            let first = try await store.savePolicy(label: "v1", digest: "d1", source: "a", at: Self.t0)
            let second = try await store.savePolicy(label: "v2", digest: "d2", source: "b", at: Self.t0)
            #expect(first.revision == 1 && second.revision == 2)
            #expect(try await store.currentPolicy() == second)
        }
    }

    /// Eight bootstrap attempts at once: one key is made, the others find it there.
    @Test(arguments: Backend.all) func onlyTheFirstKeyIsInsertedWhenManyTryAtOnce(_ backend: Backend) async throws {
        try await with(backend) { store in
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await store.insertFirstKey(
                            APIKeyRecord(
                                id: "k-\(n)", digest: Array(repeating: UInt8(n), count: 32), roles: [.admin], label: "boot",
                                createdAt: Self.t0))
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(inserted == 1)
            #expect(try await store.keyCount() == 1)
            let later = APIKeyRecord(
                id: "k-9", digest: Array(repeating: 9, count: 32), roles: [.admin], label: "x", createdAt: Self.t0)
            #expect(try await store.insertFirstKey(later) == false)
            #expect(try await store.key(id: "k-9") == nil)
        }
    }

    @Test(arguments: Backend.all) func theLedgerIsGapFreeAndItsProofsVerify(_ backend: Backend) async throws {
        try await with(backend, signer: testSigner) { store in
            var expected = CompactRange()
            var leaves: [[UInt8]] = []
            for n in 0..<37 {
                let receipt = try await store.append(Self.entry(n, subject: n % 3 == 0 ? "s-3" : "s-1"))
                #expect(receipt.index == Int64(n))
                #expect(receipt.leafHash == RFC6962.leafHash(Array("{\"n\":\(n)}".utf8)))
                _ = expected.append(leafHash: receipt.leafHash)
                leaves.append(receipt.leafHash)
                #expect(receipt.checkpoint?.hasPrefix("test\n\(n + 1)\n") == true)
            }
            let head = try await store.treeHead()
            #expect(head.size == 37)
            #expect(head.root == expected.root)
            #expect(try await store.entryCount() == 37)
            #expect(try await store.entries(subjectID: "s-3").map(\.index) == Array(stride(from: 0, to: 37, by: 3)))
            #expect(try await store.entries(subjectID: "s-1", after: 10, limit: 3).map(\.index) == [11, 13, 14])
            #expect(try await store.entry(index: 36)?.entry == Array("{\"n\":36}".utf8))
            #expect(try await store.entry(index: 37) == nil)
            for index in [0, 17, 36] as [UInt64] {
                let ids = ProofPlan.subtrees(ProofPlan.inclusion(index: index, size: 37))
                let nodes = try await store.subtreeHashes(ids)
                let proof = try ProofPlan.inclusion(index: index, size: 37).map {
                    try #require(ProofPlan.hash(of: $0, from: nodes))
                }
                try ProofVerifier.verifyInclusion(
                    leafHash: leaves[Int(index)], index: index, size: 37, proof: proof, root: head.root)
            }
            let checkpoint = try #require(try await store.currentCheckpoint(now: Self.t0.addingTimeInterval(5)))
            #expect(checkpoint.size == 37)
            #expect(checkpoint.root == head.root)
        }
    }

    @Test(arguments: Backend.all) func concurrentAppendsTakeEveryIndexOnce(_ backend: Backend) async throws {
        try await with(backend) { store in
            let indexes = try await withThrowingTaskGroup(of: Int64.self) { group in
                for n in 0..<300 { group.addTask { try await store.append(Self.entry(n)).index } }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(indexes.sorted() == Array(0..<300))
            #expect(try await store.treeHead().size == 300)
        }
    }

    @Test(arguments: Backend.all) func exceptionReviewsAndTheirAlertsGoWithTheirEntry(_ backend: Backend) async throws {
        try await with(backend) { store in
            let review = ExceptionReview(
                id: "x-1", disclosureID: "d-1", subjectID: "s-1", providerID: "acme", basis: "serious-threat",
                justification: "j", facts: "f", authority: nil, invokedBy: "k-1", invokedAt: Self.t0)
            var entry = Self.entry(1)
            entry.review = review
            entry.alert = Array("alert".utf8)
            let receipt = try await store.append(entry)
            #expect(try await store.exceptionReview(id: "x-1")?.ledgerIndex == receipt.index)
            #expect(try await store.exceptionReviews(status: .pending).map(\.id) == ["x-1"])
            let reviewed = try await store.recordReview(
                id: "x-1", verdict: .upheld, reviewer: "Dr B", comment: "ok", by: "k-2", at: Self.t0)
            #expect(reviewed.status == .upheld)
            #expect(try await store.exceptionReviews(status: .pending).isEmpty)
            await #expect(throws: ReviewRefusal.alreadyReviewed) {
                _ = try await store.recordReview(
                    id: "x-1", verdict: .rejected, reviewer: "C", comment: "no", by: "k-3", at: Self.t0)
            }
            await #expect(throws: ReviewRefusal.notFound) {
                _ = try await store.recordReview(
                    id: "x-9", verdict: .rejected, reviewer: "C", comment: "no", by: "k-3", at: Self.t0)
            }
            let due = try await store.dueAlerts(now: Self.t0, limit: 10)
            #expect(due.map(\.body) == [Array("alert".utf8)])
            let alert = try #require(due.first)
            try await store.markFailed(alertID: alert.id, attempts: 1, retryAt: Self.t0.addingTimeInterval(30), error: "down")
            #expect(try await store.dueAlerts(now: Self.t0, limit: 10).isEmpty)
            #expect(try await store.dueAlerts(now: Self.t0.addingTimeInterval(30), limit: 10).first?.attempts == 1)
            try await store.markDelivered(alertID: alert.id, at: Self.t0.addingTimeInterval(31))
            #expect(try await store.undeliveredAlertCount() == 0)
            #expect(await store.isWritable())
        }
    }
}
