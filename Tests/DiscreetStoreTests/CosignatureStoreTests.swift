import DiscreetPostgres
import DiscreetSQLite
import DiscreetStore
import Foundation
import Testing

/// Witnesses' turns and cosignatures on every backend: one replica holds a witness's turn at a
/// time, a turn another replica took over is not ended by the first, and a cosignature is kept
/// once per witness and size.
@Suite struct CosignatureStoreTests {
    static let t0 = StoreSuiteTests.t0

    @Test(arguments: Backend.all) func oneTurnAtATimeAndTheSizeMovesWithIt(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            // First turn: a witness never submitted to starts from 0.
            #expect(try await store.takeWitnessTurn("w1", owner: "a", now: Self.t0, until: Self.t0 + 60) == 0)
            // Another replica cannot take it while it lasts; another witness is its own turn.
            #expect(try await store.takeWitnessTurn("w1", owner: "b", now: Self.t0 + 1, until: Self.t0 + 61) == nil)
            #expect(try await store.takeWitnessTurn("w2", owner: "b", now: Self.t0 + 1, until: Self.t0 + 61) == 0)
            let line = "— w1 AAAA\n"
            try await store.endWitnessTurn(
                "w1", owner: "a", size: 5, cosignature: StoredCosignature(witness: "w1", size: 5, line: line),
                nextTurn: Self.t0 + 2)
            #expect(try await store.cosignatures(size: 5) == [StoredCosignature(witness: "w1", size: 5, line: line)])
            #expect(try await store.cosignatures(size: 4) == [])
            // The next turn waits for `nextTurn` (a backoff), then starts from the stored size.
            #expect(try await store.takeWitnessTurn("w1", owner: "b", now: Self.t0 + 1.5, until: Self.t0 + 70) == nil)
            #expect(try await store.takeWitnessTurn("w1", owner: "b", now: Self.t0 + 2, until: Self.t0 + 70) == 5)
        }
    }

    @Test(arguments: Backend.all) func aLapsedTurnIsTakenOverAndTheFirstOwnerCannotEndIt(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            #expect(try await store.takeWitnessTurn("w1", owner: "a", now: Self.t0, until: Self.t0 + 10) == 0)
            // "a" died mid-turn: after the lease, "b" takes over.
            #expect(try await store.takeWitnessTurn("w1", owner: "b", now: Self.t0 + 10, until: Self.t0 + 20) == 0)
            // "a" comes back late: its size and next turn are ignored, its verified cosignature kept.
            let late = StoredCosignature(witness: "w1", size: 3, line: "— w1 late\n")
            try await store.endWitnessTurn("w1", owner: "a", size: 3, cosignature: late, nextTurn: Self.t0 + 10)
            #expect(try await store.takeWitnessTurn("w1", owner: "c", now: Self.t0 + 11, until: Self.t0 + 30) == nil)
            #expect(try await store.cosignatures(size: 3) == [late])
            // A second cosignature of the same witness and size does not replace the first.
            try await store.endWitnessTurn(
                "w1", owner: "b", size: 3, cosignature: StoredCosignature(witness: "w1", size: 3, line: "— w1 again\n"),
                nextTurn: Self.t0 + 11)
            #expect(try await store.cosignatures(size: 3) == [late])
            // A turn ended without a size (a failure) keeps the size.
            #expect(try await store.takeWitnessTurn("w1", owner: "c", now: Self.t0 + 12, until: Self.t0 + 30) == 3)
            try await store.endWitnessTurn("w1", owner: "c", size: nil, cosignature: nil, nextTurn: Self.t0 + 12)
            #expect(try await store.takeWitnessTurn("w1", owner: "d", now: Self.t0 + 12, until: Self.t0 + 30) == 3)
        }
    }

    @Test(arguments: Backend.all) func ofReplicasRacingForATurnOneWins(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            let won = try await withThrowingTaskGroup(of: UInt64?.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        try await store.takeWitnessTurn("w1", owner: "r\(n)", now: Self.t0, until: Self.t0 + 60)
                    }
                }
                var all: [UInt64?] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(won.compactMap { $0 }.count == 1)
        }
    }
}

/// `discreet migrate` from one node to replicas keeps the witnesses' cosignatures (they are the
/// evidence that the history being carried over was the one witnessed) and the providers' history.
@Suite(.enabled(if: Backend.postgresURL != nil, "PostgreSQL is not configured (DISCREET_TEST_POSTGRES)"))
struct CosignatureMigrationTests {
    @Test func aMigrationCopiesTheCosignatures() async throws {
        let source = try await Backend.sqlite.open()
        let target = try await Backend.postgres.open()
        do {
            try await copy(from: try #require(source.store as? SQLiteStore), to: try #require(target.store as? PostgresStore))
        } catch {
            await source.dispose()
            await target.dispose()
            throw error
        }
        await source.dispose()
        await target.dispose()
    }

    func copy(from sqlite: SQLiteStore, to postgres: PostgresStore) async throws {
        let t0 = StoreSuiteTests.t0
        let kept = [
            StoredCosignature(witness: "w1", size: 3, line: "— w1 AAAA\n"),
            StoredCosignature(witness: "w2", size: 3, line: "— w2 BBBB\n"),
        ]
        for c in kept {
            _ = try await sqlite.takeWitnessTurn(c.witness, owner: "a", now: t0, until: t0 + 60)
            try await sqlite.endWitnessTurn(c.witness, owner: "a", size: 3, cosignature: c, nextTurn: t0)
        }
        // And the providers' history, which a replay on the replicas reads.
        _ = try await sqlite.putProvider(ProviderHistoryTests.acme("a-1"), at: t0)
        _ = try await sqlite.putProvider(ProviderHistoryTests.acme("a-2"), at: t0.addingTimeInterval(10))
        // And the recalls, with where their delivery stands.
        try await sqlite.insertConsent(StoreSuiteTests.consent("c-1"))
        var withdrawal = StoreSuiteTests.consent("c-1")
        withdrawal.withdrawnAt = t0
        _ = try await sqlite.withdraw(withdrawal) { _, _ in [RecallStoreTests.recall("rcl-1", indexes: [4, 7])] }
        try await sqlite.markRecallAttempt(id: "rcl-1", attempts: 2, retryAt: t0 + 40, error: "HTTP 503")
        let recall = try #require(try await sqlite.recall(id: "rcl-1"))
        let rows = try await sqlite.exportRows()
        #expect(rows.cosignatures == kept)
        #expect(rows.recalls == [recall])
        try await postgres.importRows(rows)
        #expect(try await postgres.cosignatures(size: 3) == kept)
        #expect(try await postgres.recall(id: "rcl-1") == recall)
        #expect(
            try await postgres.provider(id: "acme", at: t0.addingTimeInterval(5)).provider == ProviderHistoryTests.acme("a-1"))
        #expect(
            try await postgres.provider(id: "acme", at: t0.addingTimeInterval(10)).provider == ProviderHistoryTests.acme("a-2"))
    }
}

/// Entries by index range, as tiles' entry bundles read them, on every backend.
@Suite struct LedgerRangeTests {
    @Test(arguments: Backend.all) func aRangeOfEntriesInIndexOrder(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            _ = try await store.append((0..<10).map { StoreSuiteTests.entry($0) })
            let middle = try await store.entries(from: 3, limit: 4)
            #expect(middle.map(\.index) == [3, 4, 5, 6])
            #expect(middle.map(\.entry) == (3..<7).map { StoreSuiteTests.entry($0).entry })
            #expect(try await store.entries(from: 8, limit: 5).map(\.index) == [8, 9])
            #expect(try await store.entries(from: 10, limit: 5).isEmpty)
        }
    }
}
