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
        let port = TestPort.unused()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = ["serve", "--demo", "--data-dir", dir, "--port", String(port), "--no-metrics", "--log-level", "error"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let printed = try await CLITests.offPool { CLITests.read(out, until: "-d '{") }
        let keyLine = try #require(printed.split(separator: "\n").first { $0.contains("export DISCREET_KEY=") })
        let key = String(keyLine.split(separator: "=").last!)
        let sample = try #require(printed.components(separatedBy: "-d '").last?.components(separatedBy: "'").first)
        var body = try #require(try JSONSerialization.jsonObject(with: Data(sample.utf8)) as? [String: Any])
        var record = try #require(body["record"] as? [String: Any])
        record["account_number"] = "FR76 3000 6000 0112 3456 7890 189"
        body["record"] = record

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/disclosures")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        var answer: (Data, URLResponse)?
        for _ in 0..<50 where answer == nil {
            answer = try? await URLSession.shared.data(for: request)
            if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let (data, _) = try #require(answer)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let token = try #require((json["released"] as? [String: Any])?["account_number"] as? String)
        p.terminate()
        try await CLITests.offPool { p.waitUntilExit() }

        let leaked = CLITests.temporary() + ".csv"
        try "name,account\nAna,\(token)\nBob,tok_aaaaaaaaaaaaaaaaaaaaaaaaaa\n".write(
            toFile: leaked, atomically: true, encoding: .utf8)
        let r = try await CLITests.runOffPool(["trace", leaked, "--data-dir", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("1 of the file's values were released by discreet"), "\(r.out)")
        #expect(
            r.out.contains("recouvra: 1 values (1 tokens, 0 pseudonyms) about 1 person, first given in 1 ledger entry"),
            "\(r.out)")
        let full = try await CLITests.runOffPool(["trace", leaked, "--data-dir", dir, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(full.out.utf8)) as? [String: Any])
        #expect(report["traced"] as? Int == 1)
        #expect(report["checkpoint"] is String)

        let clean = CLITests.temporary() + ".csv"
        try "name,phone\nAna,+33612345678\n".write(toFile: clean, atomically: true, encoding: .utf8)
        let none = try await CLITests.runOffPool(["trace", clean, "--data-dir", dir])
        #expect(none.status == 0)
        #expect(none.out.hasPrefix("Nothing in this file was traced"))
        let nowhere = try await CLITests.runOffPool(["trace", clean, "--data-dir", CLITests.temporary()])
        #expect(nowhere.status != 0)
        #expect(nowhere.err.contains("no store in"))
    }
}
