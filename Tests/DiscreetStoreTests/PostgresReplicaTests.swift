import DiscreetLedger
import DiscreetPostgres
import DiscreetStore
import Foundation
import Testing

/// Two stores on one PostgreSQL database, as two replicas are: they migrate at once, share one
/// gap-free ledger, and neither decides from a consent the other has withdrawn.
@Suite(.disabled(if: Backend.postgresURL == nil, "PostgreSQL is not configured (DISCREET_TEST_POSTGRES)"))
struct PostgresReplicaTests {
    func replicas(_ body: (PostgresStore, PostgresStore, String) async throws -> Void) async throws {
        let database = try await Backend.createDatabase()
        // Both start at once: one migrates under the advisory lock, the other waits and finds it done.
        // These tests are about who wins, not how fast: under the whole suite's load on two cores,
        // 32 calls queued on each pool took longer than the service's 5 s, so each call has 30.
        async let a = Backend.postgres(database: database, signer: testSigner, deadline: .seconds(30))
        async let b = Backend.postgres(database: database, signer: testSigner, deadline: .seconds(30))
        let (first, second) = try await (a, b)
        do {
            try await body(first, second, database)
        } catch {
            await first.close()
            await second.close()
            try? await Backend.dropDatabase(database)
            throw error
        }
        await first.close()
        await second.close()
        try? await Backend.dropDatabase(database)
    }

    @Test func appendsFromTwoReplicasShareOneGapFreeLedger() async throws {
        try await replicas { a, b, _ in
            let indexes = try await withThrowingTaskGroup(of: Int64.self) { group in
                for n in 0..<1_000 {
                    let store = n % 2 == 0 ? a : b
                    group.addTask { try await store.append(StoreSuiteTests.entry(n)).index }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(indexes.sorted() == Array(0..<1_000))
            let headA = try await a.treeHead()
            let headB = try await b.treeHead()
            #expect(headA.size == 1_000)
            #expect(headA.root == headB.root)
            // The root is the RFC 6962 root of the leaves in index order.
            var range = CompactRange()
            var start: Int64 = 0
            while start < 1_000 {
                for e in try await b.entries(from: start, limit: 250) { _ = range.append(leafHash: e.leafHash) }
                start += 250
            }
            #expect(range.root == headA.root)
        }
    }

    /// Replicas starting together on an empty database make one bootstrap key between them: 32
    /// attempts at once from two stores whose pools are open (so the attempts truly overlap).
    @Test func twoReplicasMakeOneBootstrapKeyBetweenThem() async throws {
        try await replicas { a, b, _ in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<32 { group.addTask { try await (n % 2 == 0 ? a : b).keyCount() } }
                try await group.waitForAll()
            }
            let made = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<32 {
                    let key = APIKeyRecord(
                        id: "k-\(n)", digest: Array(repeating: UInt8(n), count: 32), roles: [.admin], label: "boot",
                        createdAt: StoreSuiteTests.t0)
                    group.addTask { try await (n % 2 == 0 ? a : b).insertFirstKey(key) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(made == 1)
            #expect(try await a.keyCount() == 1)
        }
    }

    @Test func aConsentWithdrawnThroughOneReplicaHoldsOnTheOtherAtOnce() async throws {
        try await replicas { a, b, _ in
            try await a.insertConsent(StoreSuiteTests.consent("c-1"))
            #expect(try await b.decisionState(providerID: "acme", subjectID: "s-1").consents.first?.withdrawnAt == nil)
            var withdrawal = StoreSuiteTests.consent("c-1")
            withdrawal.withdrawnAt = StoreSuiteTests.t0.addingTimeInterval(60)
            _ = try await a.withdraw(withdrawal) { _, _ in [] }
            #expect(try await b.decisionState(providerID: "acme", subjectID: "s-1").consents.first?.withdrawnAt != nil)
            _ = try await b.putProvider(.init(id: "acme", kind: "service-provider"))
            _ = try await a.setSuspended(providerID: "acme", true)
            #expect(try await b.decisionState(providerID: "acme", subjectID: "s-1").provider?.suspended == true)
        }
    }

    @Test func theLedgerRefusesEditsInTheDatabase() async throws {
        try await replicas { a, _, database in
            _ = try await a.append(StoreSuiteTests.entry(0))
            for sql in ["UPDATE disclosures SET subject_id = 'x'", "DELETE FROM merkle_nodes", "DELETE FROM checkpoints"] {
                do {
                    try await Backend.admin(sql, database: database)
                    Issue.record("the database let through: \(sql)")
                } catch {
                    #expect(String(reflecting: error).contains("append-only"), "\(sql): \(String(reflecting: error))")
                }
            }
            #expect(try await a.entries(subjectID: "s-1").count == 1)
        }
    }
}
