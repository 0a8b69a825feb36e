import DiscreetTestSupport
import Foundation
import Testing

extension ReplicaTests {
    /// Two replicas started at the same moment on an empty database and an empty shared secrets
    /// directory: one of them prints the one bootstrap key, both come up with it, and both sign
    /// with the one ledger key they made between them.
    @Test func twoReplicasStartedTogetherOnNothingShareOneKeyAndOneSigningKey() async throws {
        let (store, drop, _) = try await Self.database()
        let secrets = CLITests.temporary()
        async let first = Task { try await Self.replica(store: store, secrets: secrets, port: TestPort.unused()) }.value
        async let second = Task { try await Self.replica(store: store, secrets: secrets, port: TestPort.unused()) }.value
        let (a, b) = try await (first, second)
        defer {
            a.stop()
            b.stop()
        }
        let keys = [a.key, b.key].compactMap { $0 }
        #expect(keys.count == 1, "one bootstrap key printed, not \(keys.count)")
        let key = try #require(keys.first)
        try await a.waitUntilReady(key: key)
        try await b.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza"}}"#
        _ = try await a.json("POST", "/v1/disclosures", key: key, body: body)
        _ = try await b.json("POST", "/v1/disclosures", key: key, body: body)
        // The same published keys from both (the ledger and receipt keys were made once).
        let (statusA, keysA) = try await a.request("GET", "/.well-known/discreet-keys", key: key)
        let (statusB, keysB) = try await b.request("GET", "/.well-known/discreet-keys", key: key)
        #expect(statusA == 200 && statusB == 200)
        #expect(keysA == keysB)
        a.stop()
        b.stop()
        try await Self.verify(store: store, secrets: secrets)
        await drop()
    }
}
