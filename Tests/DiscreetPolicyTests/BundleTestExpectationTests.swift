import DiscreetPolicy
import Foundation
import Testing

/// What a bundle's own test may expect beyond outcomes and reasons: the basis a field was released
/// on, the notices that travel with the release, and whether the purpose is accountable.
@Suite struct BundleTestExpectationTests {
    static let bundle = """
        version: 1
        regimes:
          sud:
            consent: required
            exceptions: [emergency]
            notice: "Do not redisclose."
        exceptions:
          emergency: { recipient-kinds: [medical-personnel] }
        categories:
          health.sud: sud
        records:
          patient: { program: health.sud }
        purposes:
          care: { health.sud: release }
          payment: { accountable: false, categories: { health.sud: release } }
        fixtures:
          providers:
            er: { kind: medical-personnel }
        tests:
          - name: t
            at: 2026-06-01T00:00:00Z
            request: { provider: er, purpose: care, subject: s-1, record_type: patient, record: { program: "x" },
                       exception: { basis: emergency, justification: "j", facts: "f" } }
        """

    func run(_ expectations: String) throws -> [String] {
        let b = try BundleParser.parse(Self.bundle + "\n" + expectations)
        return try #require(BundleTestRunner.run(b, now: Date()).first).failures
    }

    @Test func basisNoticesAndAccountabilityThatHoldPass() throws {
        #expect(
            try run(
                """
                    expect: { program: { outcome: released, basis: "exception:emergency" } }
                    notices: ["Do not redisclose."]
                    accountable: true
                """
            ).isEmpty)
    }

    @Test func eachOneThatDoesNotHoldFailsSayingWhatCameInstead() throws {
        #expect(
            try run(
                """
                    expect: { program: { outcome: released, basis: "consent:c-1" } }
                    notices: []
                    accountable: false
                """) == [
                    "program: expected released/on consent:c-1, got released (permitted) on exception:emergency",
                    "notices: expected [], got [\"Do not redisclose.\"]",
                    "accountable: expected out of the accounting of accountable purposes; purpose 'care' is accountable",
                ])
    }

    @Test func theKeysAreHeldToTheirTypes() {
        let issues = BundleValidationTests().issues(
            Self.bundle + "\n"
                + """
                    expect: { program: { basis: "exception:emergency", why: x } }
                    notices: "Do not redisclose."
                    accountable: "yes"
                """)
        #expect(issues.count == 3)
        #expect(issues.contains { $0.path == "/tests/0/notices" && $0.message.contains("the notices expected with the release") })
        #expect(issues.contains { $0.path == "/tests/0/accountable" && $0.message == "expected true or false (unquoted)" })
        #expect(
            issues.contains {
                $0.path == "/tests/0/expect/program/why" && $0.message == "unknown key; expected one of: basis, outcome, reason"
            })
    }
}
