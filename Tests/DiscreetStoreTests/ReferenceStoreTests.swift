import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Testing

/// Tokens and the leak-tracing index on every backend: one token per provider, subject and field
/// whoever issues it first, and the first disclosure of each reference kept.
@Suite struct ReferenceStoreTests {
    static let t0 = StoreSuiteTests.t0

    static func entry(_ n: Int, provider: String = "acme", subject: String, references: [ReleasedReference]) -> LedgerAppend {
        LedgerAppend(
            disclosureID: "d-\(n)", subjectID: subject, providerID: provider, purpose: "billing", recordedAt: t0,
            entry: Array("{\"n\":\(n)}".utf8), references: references)
    }

    @Test(arguments: Backend.all) func concurrentIssuersAgreeOnOneTokenPerField(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            let issued = try await withThrowingTaskGroup(of: [String: String].self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await store.issueTokens(
                            providerID: "acme", subjectID: "s-1",
                            candidates: ["account": "tok_account\(n)", "card": "tok_card\(n)"], at: Self.t0)
                    }
                }
                var all: [[String: String]] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(Set(issued).count == 1)
            let winner = try #require(issued.first)
            #expect(winner.keys.sorted() == ["account", "card"])
            // Another provider, another subject: their own tokens.
            let other = try await store.issueTokens(
                providerID: "beta", subjectID: "s-1", candidates: ["account": "tok_beta"], at: Self.t0)
            #expect(other == ["account": "tok_beta"])
            let record = try #require(try await store.token(winner["account"]!))
            #expect(record.providerID == "acme")
            #expect(record.subjectID == "s-1")
            #expect(record.field == "account")
            #expect(record.firstIndex == nil)
            #expect(try await store.token("tok_nobody") == nil)
        }
    }

    @Test(arguments: Backend.all) func theIndexKeepsEachReferencesFirstDisclosure(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            let tokens = try await store.issueTokens(
                providerID: "acme", subjectID: "s-1", candidates: ["account": "tok_a"], at: Self.t0)
            let token = ReleasedReference(kind: .token, field: "account", value: tokens["account"]!)
            let pseudonym = ReleasedReference(kind: .pseudonym, field: "ssn", value: "P-shared")
            _ = try await store.append(Self.entry(0, subject: "s-0", references: []))
            _ = try await store.append([
                Self.entry(1, subject: "s-1", references: [token, pseudonym]),
                Self.entry(2, provider: "beta", subject: "s-2", references: [pseudonym]),
            ])
            _ = try await store.append(Self.entry(3, subject: "s-1", references: [token, pseudonym]))
            let rows = try await store.disclosedReferences(["tok_a", "P-shared", "unknown"])
            let sorted = rows.sorted { ($0.value, $0.providerID) < ($1.value, $1.providerID) }
            #expect(
                sorted == [
                    DisclosedReference(
                        value: "P-shared", kind: .pseudonym, providerID: "acme", subjectID: "s-1", field: "ssn", firstIndex: 1),
                    DisclosedReference(
                        value: "P-shared", kind: .pseudonym, providerID: "beta", subjectID: "s-2", field: "ssn", firstIndex: 2),
                    DisclosedReference(
                        value: "tok_a", kind: .token, providerID: "acme", subjectID: "s-1", field: "account", firstIndex: 1),
                ])
            #expect(try await store.token("tok_a")?.firstIndex == 1)
            #expect(try await store.disclosedReferences([]).isEmpty)
        }
    }
}
