import DiscreetTestSupport
import Foundation
import Testing

extension ReplicaTests {
    /// The database's owner can switch the append-only triggers off; the ledger's proofs are what
    /// hold then: `verify --store` names an edited entry, and a deleted one, as on SQLite.
    @Test func verifyNamesAnEntryEditedOrDeletedInTheDatabaseBehindTheReplicasBack() async throws {
        let (store, drop, name) = try await Self.database()
        let secrets = CLITests.temporary()
        let replica = try await Self.replica(store: store, secrets: secrets, port: TestPort.unused())
        defer { replica.stop() }
        let key = try #require(replica.key)
        try await replica.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza"}}"#
        for _ in 0..<3 { _ = try await replica.json("POST", "/v1/disclosures", key: key, body: body) }
        replica.stop()
        try await Self.verify(store: store, secrets: secrets)

        try await Self.admin("ALTER TABLE disclosures DISABLE TRIGGER disclosures_append_only", database: name)
        try await Self.admin("UPDATE disclosures SET entry = convert_to('{}', 'UTF8') WHERE ledger_index = 1", database: name)
        let edited = try await CLITests.run(
            ["verify", "--store", store, "--data-dir", secrets], environment: Self.storeEnvironment)
        #expect(edited.status == 1)
        #expect(edited.out.contains("FAILED: entry 1 was edited"), "\(edited.out)\(edited.err)")

        try await Self.admin("DELETE FROM disclosures WHERE ledger_index = 1", database: name)
        let deleted = try await CLITests.run(
            ["verify", "--store", store, "--data-dir", secrets], environment: Self.storeEnvironment)
        #expect(deleted.status == 1)
        #expect(deleted.out.contains("FAILED: entry 1 was removed"), "\(deleted.out)\(deleted.err)")
        await drop()
    }
}
