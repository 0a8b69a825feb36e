import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `discreet trace FILE`: a token released by the running service, found in a file, is attributed
/// to its provider from the data directory's store; a file with nothing traceable says so.
@Suite struct TraceCommandTests {
    @Test func aLeakedFilesTokenIsTracedToItsProvider() async throws {
        let dir = CLITests.temporary()
        let (p, port, key, sample) = try await CLITests.startDemo(dir)
        defer { if p.isRunning { p.terminate() } }
        var body = try #require(try JSONSerialization.jsonObject(with: Data(sample.utf8)) as? [String: Any])
        var record = try #require(body["record"] as? [String: Any])
        record["account_number"] = "FR76 3000 6000 0112 3456 7890 189"
        body["record"] = record
        let (data, _) = try await CLITests.disclose(
            port: port, key: key, body: try JSONSerialization.data(withJSONObject: body))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let token = try #require((json["released"] as? [String: Any])?["account_number"] as? String)
        p.terminate()
        try await offPool { p.waitUntilExit() }

        let leaked = CLITests.temporary() + ".csv"
        try "name,account\nAna,\(token)\nBob,tok_aaaaaaaaaaaaaaaaaaaaaaaaaa\n".write(
            toFile: leaked, atomically: true, encoding: .utf8)
        let r = try await CLITests.run(["trace", leaked, "--data-dir", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("1 of the file's values were released by discreet"), "\(r.out)")
        #expect(
            r.out.contains("recouvra: 1 values (1 tokens, 0 pseudonyms) about 1 person, first given in 1 ledger entry"),
            "\(r.out)")
        let full = try await CLITests.run(["trace", leaked, "--data-dir", dir, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(full.out.utf8)) as? [String: Any])
        #expect(report["traced"] as? Int == 1)
        #expect(report["checkpoint"] is String)

        let clean = CLITests.temporary() + ".csv"
        try "name,phone\nAna,+33612345678\n".write(toFile: clean, atomically: true, encoding: .utf8)
        let none = try await CLITests.run(["trace", clean, "--data-dir", dir])
        #expect(none.status == 0)
        #expect(none.out.hasPrefix("Nothing in this file was traced"))
        let nowhere = try await CLITests.run(["trace", clean, "--data-dir", CLITests.temporary()])
        #expect(nowhere.status != 0)
        #expect(nowhere.err.contains("no store in"))
    }
}
