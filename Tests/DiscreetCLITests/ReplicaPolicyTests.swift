import DiscreetTestSupport
import Foundation
import Testing

extension ReplicaTests {
    /// A bundle installed through replica A is in force on replica B within seconds (B follows the
    /// store's newest revision), not only after B restarts.
    @Test func aBundleInstalledThroughOneReplicaIsInForceOnTheOther() async throws {
        let pair = try await Self.pair()
        defer { pair.stop() }
        let (a, b, key, drop) = (pair.a, pair.b, pair.key, pair.drop)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza","amount_due":120.5}}"#
        let before = try await b.json("POST", "/v1/disclosures", key: key, body: body)
        #expect(Self.reason(before, "amount_due") == "permitted")

        // Through A: debt collection no longer needs the amount due.
        let inForce = try await a.json("GET", "/v1/policy", key: key)
        let source = try #require(inForce["source"] as? String)
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "financial.amount_due: release" })
        lines.remove(at: first)  // the first is debt collection's
        let installed = try await a.json(
            "PUT", "/v1/policy", key: key, body: lines.joined(separator: "\n"), contentType: "application/yaml")
        let revision = try #require(installed["revision"] as? Int)

        var reason: String?
        for _ in 0..<100 where reason != "not-needed" {
            try await Task.sleep(for: .milliseconds(100))
            reason = Self.reason(try await b.json("POST", "/v1/disclosures", key: key, body: body), "amount_due")
        }
        #expect(reason == "not-needed", "B still decides under the old bundle")
        #expect(try await b.json("GET", "/v1/policy", key: key)["revision"] as? Int == revision)
        a.stop()
        b.stop()
        await drop()
    }
}
