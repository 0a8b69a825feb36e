import DiscreetJSON
import Foundation
import Testing

@testable import DiscreetPolicy

/// `discreet policy test` on a gateway route: a sample request in, the exact forwarded body out.
@Suite struct GatewayBundleCaseTests {
    static func bundle(tests: String) -> String {
        """
        version: g1
        regimes: { personal: { consent: not-required } }
        categories: { identity.name: personal, health.diagnosis: personal }
        records: { patient: { name: identity.name, diagnosis: health.diagnosis } }
        purposes: { billing: { identity.name: release } }
        gateway:
          routes:
            claims:
              provider: recouvra
              purpose: billing
              record-type: patient
              match: { method: PUT, path: "/accounts/{account}" }
              subject: { path-parameter: account }
              record: { pointer: /items/* }
              upstream: { url: "https://api.recouvra.test" }
        fixtures:
          providers:
            recouvra:
              kind: service-provider
              agreements:
                - { id: dpa, type: DPA, purposes: [billing], categories: ["*"], valid_from: 2025-01-01, valid_until: 2030-01-01 }
        tests:
        \(tests)
        """
    }

    static let sample = """
          - name: the collector gets names only
            at: 2026-06-01T00:00:00Z
            gateway:
              route: claims
              path: /accounts/p-1
              body: { items: [{ name: Ana, diagnosis: F32.1 }, { diagnosis: F33 }], note: internal }
        """

    func run(_ tests: String) throws -> [BundleTestRunner.CaseResult] {
        BundleTestRunner.run(try BundleParser.parse(Self.bundle(tests: tests)), now: Date())
    }

    @Test func theExactForwardedBodyIsChecked() throws {
        let passing = try run(
            Self.sample + "\n    forwarded: { items: [{ name: Ana }, {}] }"
                + "\n    expect: { \"[0].diagnosis\": not-needed, \"[1].diagnosis\": withheld }")
        #expect(passing.map(\.failures) == [[]])

        let failing = try run(Self.sample + "\n    forwarded: { items: [{ name: Ana, diagnosis: F32.1 }, {}] }")
        #expect(
            failing.first?.failures == [
                #"forwarded: expected {"items":[{"name":"Ana","diagnosis":"F32.1"},{}]}, got {"items":[{"name":"Ana"},{}]}"#
            ])
    }

    @Test func aRequestTheRouteCannotTakeFailsTheCase() throws {
        let offPath = try run(Self.sample.replacingOccurrences(of: "/accounts/p-1", with: "/other/p-1") + "\n    forwarded: {}")
        #expect(offPath.first?.failures == ["the path /other/p-1 does not match the route's /accounts/{account}"])
        let noSubject = try run(
            Self.sample.replacingOccurrences(of: "      path: /accounts/p-1\n", with: "") + "\n    forwarded: {}")
        #expect(noSubject.first?.failures.first?.contains("subject's id") == true)
    }

    @Test func aGatewayCaseIsValidatedWithTheBundle() throws {
        func issues(_ tests: String) -> [String] {
            do {
                _ = try BundleParser.parse(Self.bundle(tests: tests))
                return []
            } catch {
                return error.issues.map { "\($0.path): \($0.message)" }
            }
        }
        #expect(
            issues(Self.sample.replacingOccurrences(of: "route: claims", with: "route: nope") + "\n    forwarded: {}")
                == ["/tests/0/gateway/route: unknown gateway route 'nope'"])
        #expect(
            issues(Self.sample) == [
                "/tests/0: a gateway test expects 'forwarded' (the exact body that leaves), 'expect', or both"
            ])
    }
}
