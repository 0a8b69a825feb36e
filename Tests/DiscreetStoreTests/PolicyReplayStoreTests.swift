import DiscreetPolicy
import DiscreetServer
import DiscreetStore
import Foundation
import Testing

/// A replay on every backend: each entry decided again under the provider version of its
/// instant, a candidate's changes counted, delivery records passed over.
@Suite struct PolicyReplayStoreTests {
    static let t0 = StoreSuiteTests.t0

    static func bundle(billingNeedsDiagnosis: Bool) throws -> PolicyBundle {
        try BundleParser.parse(
            """
            version: \(billingNeedsDiagnosis ? "now" : "candidate")
            regimes:
              r: { consent: not-required }
            categories:
              health.dx: r
              identity.name: r
            records:
              patient: { dx: health.dx, name: identity.name }
            purposes:
              billing: { identity.name: release\(billingNeedsDiagnosis ? ", health.dx: release" : "") }
            """)
    }

    static func entry(_ n: Int, at seconds: Double, outcome: String, reason: String) -> LedgerAppend {
        let time = RFC3339.format(t0.addingTimeInterval(seconds))
        let json = """
            {"fields":[{"basis":null,"category":"health.dx","field":"dx","outcome":"\(outcome)","reason":"\(reason)",\
            "transform":null},{"basis":null,"category":"identity.name","field":"name","outcome":"\(outcome)",\
            "reason":"\(reason)","transform":null}],"id":"d-\(n)","key_id":"k","policy":{"digest":"x","revision":1,\
            "version":"now"},"provider":"acme","purpose":"billing","record_type":"patient","subject":"s-1",\
            "time":"\(time)","v":1}
            """
        return LedgerAppend(
            disclosureID: "d-\(n)", subjectID: "s-1", providerID: "acme", purpose: "billing",
            recordedAt: t0.addingTimeInterval(seconds), entry: Array(json.utf8))
    }

    @Test(arguments: Backend.all) func entriesAreDecidedUnderTheProviderOfTheirInstant(_ backend: Backend) async throws {
        try await StoreSuiteTests().with(backend) { store in
            let acme = Provider(
                id: "acme", kind: "service-provider",
                agreements: [
                    Agreement(
                        id: "a-1", type: "DPA", purposes: ["billing"], categories: [CategoryPattern("*")],
                        validFrom: Self.t0, validUntil: Self.t0.addingTimeInterval(1e6))
                ])
            _ = try await store.putProvider(acme, at: Self.t0)
            _ = try await store.append([Self.entry(0, at: 10, outcome: "released", reason: "permitted")])
            // The agreement is gone at 20: the entry at 30 was withheld.
            _ = try await store.putProvider(Provider(id: "acme", kind: "service-provider"), at: Self.t0.addingTimeInterval(20))
            _ = try await store.append([Self.entry(1, at: 30, outcome: "withheld", reason: "no-agreement")])
            let delivery = LedgerAppend(
                disclosureID: "dlv-1", subjectID: "s-1", providerID: "acme", purpose: "billing",
                recordedAt: Self.t0.addingTimeInterval(40), entry: Array(#"{"kind":"delivery","v":1}"#.utf8))
            _ = try await store.append([delivery])

            let same = try await PolicyReplay(
                store: store, candidate: try Self.bundle(billingNeedsDiagnosis: true), window: .last(10)
            )
            .run()
            #expect(same.scanned == 3)
            #expect(same.notDisclosures == 1)
            #expect(same.tally.entriesReplayed == 2)
            #expect(same.tally.fieldsReplayed == 4)
            #expect(same.tally.fieldsChanged == 0)

            let candidate = try await PolicyReplay(
                store: store, candidate: try Self.bundle(billingNeedsDiagnosis: false), window: .between(from: nil, to: nil)
            ).run()
            let change = ReplayTally.Change(
                provider: "acme", purpose: "billing", from: .released, to: .withheld, was: .permitted, reason: .notNeeded)
            #expect(candidate.tally.changes == [change: ReplayTally.Count(fields: 1, entries: 1, examples: [0])])
            #expect(candidate.tally.fieldsChanged == 1)
        }
    }
}
