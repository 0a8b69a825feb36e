import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `discreet policy replay FILE`: the running service's history decided again under a candidate,
/// from the data directory's store, as an administrator runs it before `PUT /v1/policy`.
@Suite struct PolicyReplayCommandTests {
    @Test func aCandidateIsReplayedOverTheServicesHistory() async throws {
        let dir = CLITests.temporary()
        let (p, port, key, sample) = try await CLITests.startDemo(dir)
        defer { if p.isRunning { p.terminate() } }
        let (data, _) = try await CLITests.disclose(port: port, key: key, body: Data(sample.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let decisions = try #require(json["decisions"] as? [[String: Any]])
        #expect(decisions.contains { $0["field"] as? String == "name" && $0["outcome"] as? String == "released" })
        p.terminate()
        try await offPool { p.waitUntilExit() }

        // The candidate: debt collection no longer needs the name.
        let demo = try await CLITests.run(["policy", "demo"]).out
        let purposes = try #require(demo.range(of: "purposes:"))
        let name = try #require(demo.range(of: "      identity.name: release\n", range: purposes.upperBound..<demo.endIndex))
        let candidate = CLITests.temporary() + ".yaml"
        try demo.replacingCharacters(in: name, with: "").write(toFile: candidate, atomically: true, encoding: .utf8)

        let r = try await CLITests.run(["policy", "replay", candidate, "--data-dir", dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("1 of 1 entries (0 to 0) replayed under demo-2026.1: 1 of "), "\(r.out)")
        #expect(
            r.out.contains(
                "  recouvra, debt-collection: 1 fields released → withheld (then permitted, now not-needed); entries 0\n"),
            "\(r.out)")
        let full = try await CLITests.run(["policy", "replay", candidate, "--data-dir", dir, "--json", "--last", "1"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(full.out.utf8)) as? [String: Any])
        #expect((report["fields"] as? [String: Any])?["changed"] as? Int == 1)
        #expect((report["window"] as? [String: Any])?["last"] as? Int == 1)

        // Unchanged, the bundle in force replays to no change; an invalid candidate exits 2.
        let same = CLITests.temporary() + ".yaml"
        try demo.write(toFile: same, atomically: true, encoding: .utf8)
        #expect(try await CLITests.run(["policy", "replay", same, "--data-dir", dir]).out.contains(": 0 of "))
        try "version: 1\n".write(toFile: same, atomically: true, encoding: .utf8)
        #expect(try await CLITests.run(["policy", "replay", same, "--data-dir", dir]).status == 2)
        let both = try await CLITests.run(["policy", "replay", candidate, "--last", "2", "--from", "2026-01-01T00:00:00Z"])
        #expect(both.status == 64)
        #expect(both.err.contains("either --last or --from and --to, not both"))
    }
}

extension CLITests {
    /// `serve --demo` in `dir` on a free port, waited for: the process, its port, the discloser
    /// key it prints and the sample disclosure body its curl line carries.
    static func startDemo(_ dir: String) async throws -> (process: Process, port: Int, key: String, sample: String) {
        let port = TestPort.unused()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--demo", "--data-dir", dir, "--port", String(port), "--no-metrics", "--log-level", "error"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let printed = try await offPool { read(out, until: "-d '{") }
        let keyLine = try #require(printed.split(separator: "\n").first { $0.contains("export DISCREET_KEY=") })
        let key = String(keyLine.split(separator: "=").last!)
        let sample = try #require(printed.components(separatedBy: "-d '").last?.components(separatedBy: "'").first)
        return (p, port, key, sample)
    }

    /// `POST /v1/disclosures` of `body` to the demo on `port`, retried while it is still starting.
    static func disclose(port: Int, key: String, body: Data) async throws -> (Data, URLResponse) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/disclosures")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        var answer: (Data, URLResponse)?
        for _ in 0..<50 where answer == nil {
            answer = try? await URLSession.shared.data(for: request)
            if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        return try #require(answer)
    }
}
