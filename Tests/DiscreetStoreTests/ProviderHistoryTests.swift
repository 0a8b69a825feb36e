import DiscreetPolicy
import DiscreetPostgres
import DiscreetSQLite
import DiscreetStore
import Foundation
import Testing

/// Providers keep their history on every backend: each put, replace, suspension and deletion is
/// a version dated by the caller's clock, so a replay can ask what agreements held at an instant.
@Suite struct ProviderHistoryTests {
    static let t0 = StoreSuiteTests.t0

    static func acme(_ agreement: String, type: String = "BAA") -> Provider {
        Provider(
            id: "acme", kind: "service-provider",
            agreements: [
                Agreement(
                    id: agreement, type: type, purposes: ["billing"], categories: [CategoryPattern("health.*")],
                    validFrom: t0, validUntil: t0.addingTimeInterval(1e7))
            ])
    }

    @Test(arguments: Backend.all) func eachChangeIsAVersionFoundByItsInstant(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            func at(_ seconds: Double) async throws -> ProviderAsOf {
                try await store.provider(id: "acme", at: Self.t0.addingTimeInterval(seconds))
            }
            #expect(try await store.putProvider(Self.acme("a-1"), at: Self.t0.addingTimeInterval(10)))
            _ = try await store.replaceProviderKeepingSuspension(
                Self.acme("a-2", type: "DPA"), at: Self.t0.addingTimeInterval(20))
            _ = try await store.setSuspended(providerID: "acme", true, at: Self.t0.addingTimeInterval(30))
            #expect(try await store.deleteProvider(id: "acme", at: Self.t0.addingTimeInterval(40)))
            #expect(try await store.putProvider(Self.acme("a-3"), at: Self.t0.addingTimeInterval(50)))

            // Before it existed: nothing, and not "before history".
            #expect(try await at(9) == ProviderAsOf(provider: nil, predatesHistory: false))
            #expect(try await at(10).provider == Self.acme("a-1"))
            #expect(try await at(19.999).provider?.agreements.map(\.id) == ["a-1"])
            #expect(try await at(20).provider?.agreements.map(\.type) == ["DPA"])
            #expect(try await at(35).provider?.suspended == true)
            #expect(try await at(45) == ProviderAsOf(provider: nil, predatesHistory: false))
            #expect(try await at(50).provider?.agreements.map(\.id) == ["a-3"])
            #expect(try await at(1e6).provider?.suspended == false)
            // The whole history, read at once, answers the same.
            let versions = try await store.providerVersions(id: "acme")
            #expect(versions.count == 5)
            for t in [9.0, 10, 19.999, 20, 35, 45, 50, 1e6] {
                #expect(versions.asOf(Self.t0.addingTimeInterval(t)) == (try await at(t)))
            }
            // What is in force now is unchanged by the history.
            #expect(try await store.provider(id: "acme") == Self.acme("a-3"))
            // A failed change writes no version: deleting what is not there, suspending nobody.
            #expect(try await store.deleteProvider(id: "nobody", at: Self.t0.addingTimeInterval(60)) == false)
            #expect(try await store.setSuspended(providerID: "nobody", true, at: Self.t0.addingTimeInterval(60)) == nil)
            #expect(try await store.provider(id: "nobody", at: Self.t0.addingTimeInterval(70)).provider == nil)
        }
    }

    @Test(arguments: Backend.all) func twoChangesAtOneInstantKeepTheLater(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            _ = try await store.putProvider(Self.acme("first"), at: Self.t0)
            _ = try await store.putProvider(Self.acme("second"), at: Self.t0)
            #expect(try await store.provider(id: "acme", at: Self.t0).provider?.agreements.map(\.id) == ["second"])
        }
    }
}
