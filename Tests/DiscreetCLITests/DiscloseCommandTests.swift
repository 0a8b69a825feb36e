import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `discreet disclose --batch FILE`: a file sent through the running service, each line its own
/// disclosure; out the answers (or the released columns), a report, a summary and an exit status
/// that says whether every line went.
@Suite struct DiscloseCommandTests {
    static func line(_ subject: String, purpose: String = "debt-collection") -> String {
        #"{"provider":"recouvra","purpose":"\#(purpose)","subject":"\#(subject)","record_type":"patient","record":{"name":"Zelda Q","diagnosis":"F33.2","account_number":"FR76-\#(subject)"}}"#
    }

    static func ready(_ port: Int) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/health")!
        for _ in 0..<100 {
            if let (_, r) = try? await URLSession.shared.data(from: url), (r as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the service did not come up")
    }

    static func disclose(_ arguments: [String], key: String?) async throws -> CLITests.Run {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
        if let key { env["DISCREET_KEY"] = key }
        let environment = env
        return try await CLITests.run(["disclose"] + arguments, environment: environment)
    }

    @Test func anNDJSONFileAndACSVFileGoThroughWithASummary() async throws {
        let port = TestPort.unused()
        let server = try await CrashTests.Server.start(dir: CLITests.temporary(), port: port)
        defer { server.stop() }
        let key = try #require(server.key)
        try await Self.ready(port)
        let url = "http://127.0.0.1:\(port)"

        // NDJSON: two lines go, one is refused; the answers and the summary say which.
        let file = CLITests.temporary() + ".ndjson"
        try [Self.line("p-1"), Self.line("p-2", purpose: "golf"), Self.line("p-3")].joined(separator: "\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let answers = CLITests.temporary() + ".ndjson"
        let r = try await Self.disclose(["--batch", file, "--url", url, "--output", answers], key: key)
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("3 lines in"), "\(r.err)")
        #expect(r.err.contains("2 disclosed (ledger entries 0 to 1), 1 refused (1 unknown-purpose)"), "\(r.err)")
        #expect(r.err.contains("fields: "), "\(r.err)")
        let written = try String(contentsOfFile: answers, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 3)
        #expect(written[1].contains("\"problem\""))
        #expect(!r.err.contains("golf") && !r.err.contains("Zelda"))
        let mode = try FileManager.default.attributesOfItem(atPath: answers)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The same output file again: refused, never overwritten.
        let again = try await Self.disclose(["--batch", file, "--url", url, "--output", answers], key: key)
        #expect(again.status == 1)
        #expect(again.err.contains("exists"))

        // CSV: the released columns to one file and every line's answer to another, from one run.
        let csv = CLITests.temporary() + ".csv"
        try "subject,name,diagnosis,account_number\np-1,Zelda Q,F33.2,FR76-1\np-4,\"Marsh, Ana\",,FR76-4\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let released = CLITests.temporary() + ".csv"
        let report = CLITests.temporary() + ".ndjson"
        let c = try await Self.disclose(
            [
                "--batch", csv, "--url", url, "--record-type", "patient", "--provider", "recouvra", "--purpose",
                "debt-collection", "--output", released, "--report", report,
            ], key: key)
        #expect(c.status == 0, "\(c.err)")
        #expect(c.err.contains("2 lines in"), "\(c.err)")
        let rows = try String(contentsOfFile: released, encoding: .utf8).components(separatedBy: "\r\n")
        #expect(rows[0] == "name,diagnosis,account_number")
        #expect(rows[1].hasPrefix("Zelda Q,,tok_"))
        #expect(rows[2].hasPrefix("\"Marsh, Ana\",,tok_"))
        #expect(try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").count == 2)

        // No key, no file, a CSV without its record type: said plainly.
        let noKey = try await Self.disclose(["--batch", file, "--url", url], key: nil)
        #expect(noKey.status != 0 && noKey.err.contains("DISCREET_KEY"))
        let noFile = try await Self.disclose(["--batch", "/nonexistent.ndjson", "--url", url], key: key)
        #expect(noFile.status != 0 && noFile.err.contains("cannot read"))
        let noType = try await Self.disclose(["--batch", csv, "--url", url], key: key)
        #expect(noType.status != 0 && noType.err.contains("--record-type"))
        // A header that does not fit: the service's refusal, in its words.
        let refused = try await Self.disclose(
            ["--batch", csv, "--url", url, "--record-type", "patient", "--provider", "recouvra"], key: key)
        #expect(refused.status == 1)
        #expect(refused.err.contains("the batch was refused"), "\(refused.err)")
    }
}
