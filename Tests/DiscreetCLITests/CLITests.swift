import DiscreetTestSupport
import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `discreet` executable as a user runs it.
/// Serialized: each test blocks a thread on the processes it runs, and on two cores two such
/// tests at once would starve the other suites' timers.
@Suite(.serialized) struct CLITests {
    static let binary: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let candidates = [
            here.appendingPathComponent("discreet").path, root.appendingPathComponent(".build/debug/discreet").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    /// The CLI run to its end, waited for off Swift's cooperative pool (`offPool`).
    static func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Run {
        try await offPool { try runProgram(binary, arguments, environment: environment) }
    }

    static func runProgram(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// What a process printed, up to the first time `marker` appears (or its end).
    static func read(_ pipe: Pipe, until marker: String) -> String {
        var printed = ""
        while !printed.contains(marker) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        return printed
    }

    static func temporary() -> String { NSTemporaryDirectory() + "discreet-cli-" + UUID().uuidString }

    @Test func policyTestPassesTheDemoBundle() async throws {
        let file = Self.temporary() + ".yaml"
        let demo = try await Self.run(["policy", "demo"])
        try demo.out.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await Self.run(["policy", "test", file])
        #expect(r.status == 0)
        #expect(r.out.contains("PASS a debt collector never sees a diagnosis"))
        #expect(r.out.hasSuffix("11 passed, 0 failed\n"))
    }

    @Test func policyTestNamesTheFieldOutcomeAndReasonOfAFailure() async throws {
        let file = Self.temporary() + ".yaml"
        let demo = try await Self.run(["policy", "demo"]).out.replacingOccurrences(
            of: "expect: { name: restricted }", with: "expect: { name: released }")
        try demo.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await Self.run(["policy", "test", file])
        #expect(r.status == 1)
        #expect(
            r.out.contains(
                "FAIL a subject's restriction holds against an agreement\n     name: expected released, got withheld (restricted)"
            ))
        #expect(r.out.hasSuffix("10 passed, 1 failed\n"))
    }

    @Test func policyTestOfAnInvalidBundleExitsTwoWithPathsAndLines() async throws {
        let file = Self.temporary() + ".yaml"
        try "version: 1\nregimes: {}\ncategories:\n  a.b: nowhere\nrecords: {}\npurposes: {}\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let r = try await Self.run(["policy", "test", file])
        #expect(r.status == 2)
        #expect(r.out.contains("/categories/a.b (line 4): unknown regime 'nowhere'"))
    }

    @Test func keysCreateStoresADigestAndPrintsTheKeyOnce() async throws {
        let dir = Self.temporary()
        let r = try await Self.run([
            "keys", "create", "--init", "--role", "discloser", "--role", "auditor", "--label", "billing app", "--data-dir", dir,
        ])
        #expect(r.status == 0)
        let key = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("dsk_"))
        #expect(key.count == 60)
        let db = try Data(contentsOf: URL(fileURLWithPath: dir + "/discreet.sqlite"))
        #expect(db.range(of: Data(key.utf8)) == nil)
        let bad = try await Self.run(["keys", "create", "--role", "superuser", "--data-dir", dir])
        #expect(bad.status != 0)
        #expect(bad.err.contains("unknown role 'superuser'"))
    }

    /// Commands in the wrong place create nothing: `keys create` refuses a directory with no store
    /// unless told `--init`; `verify` and `keys show` never write.
    @Test func commandsInTheWrongDirectoryCreateNothing() async throws {
        let dir = Self.temporary()
        let create = try await Self.run(["keys", "create", "--role", "admin", "--data-dir", dir])
        #expect(create.status != 0)
        #expect(create.err.contains("no store in \(dir)"), "\(create.err)")
        #expect(create.out.isEmpty)
        let verify = try await Self.run(["verify", "--data-dir", dir])
        #expect(verify.status != 0)
        #expect(verify.err.contains("no ledger in \(dir)"), "\(verify.err)")
        let show = try await Self.run(["keys", "show", "--data-dir", dir])
        #expect(show.status != 0)
        #expect(show.err.contains("no key at \(dir)/secrets/ledger.key"), "\(show.err)")
        #expect(!FileManager.default.fileExists(atPath: dir))
        // Errors say which thing, without the usage text meant for a command line that does not parse.
        for r in [create, verify, show] { #expect(!r.err.contains("Usage:"), "\(r.err)") }
        let missing = try await Self.run(["policy", "test", dir + ".yaml"])
        #expect(missing.status == 2)
        #expect(missing.err == "Error: no such file, or not readable: \(dir).yaml\n")
    }

    /// Outside `--demo` there is a way in: with no key in the store, `serve --policy` prints a
    /// one-time admin key. A second `serve` on the same port names the port and the flag, and
    /// writes and prints nothing first.
    @Test func servePrintsABootstrapKeyAndABusyPortIsNamedBeforeAnythingIsWritten() async throws {
        let dir = Self.temporary()
        let policy = Self.temporary() + ".yaml"
        try await Self.run(["policy", "demo"]).out.write(toFile: policy, atomically: true, encoding: .utf8)
        let port = TestPort.unused()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["serve", "--policy", policy, "--data-dir", dir, "--port", String(port), "--no-metrics"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let printed = try await offPool { Self.read(out, until: "Keys for apps and people") }
        #expect(printed.contains("one-time admin key (roles admin)"), "\(printed)")
        #expect(printed.contains("discreet keys create --data-dir \(dir) --role ROLE"))
        let key = try #require(printed.split(separator: "\n").first { $0.contains("export DISCREET_KEY=") })
            .split(separator: "=").last.map(String.init)
        // The server listens once it has printed; wait for it, counting tries, not time.
        var status: Int?
        for _ in 0..<200 where status == nil {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/policy")!)
            request.setValue("Bearer \(key ?? "")", forHTTPHeaderField: "Authorization")
            if let (_, response) = try? await URLSession.shared.data(for: request) {
                status = (response as? HTTPURLResponse)?.statusCode
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(status == 200)

        let keysBefore = try await DatabaseQueue(path: dir + "/discreet.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys")
        }
        let other = Self.temporary()
        let second = try await Self.run([
            "serve", "--policy", policy, "--data-dir", other, "--port", String(port), "--no-metrics",
        ])
        #expect(second.status != 0)
        #expect(second.err.contains("cannot listen on 127.0.0.1:\(port): it is already in use; choose another with --port"))
        #expect(!second.out.contains("DISCREET_KEY"))
        #expect(!FileManager.default.fileExists(atPath: other))
        #expect(keysBefore == 1)
    }

    /// A configuration file is checked as serve reads it: known keys, values of the right kind,
    /// each problem named with where it came from.
    @Test func configCheckNamesUnknownKeysAndWrongKinds() async throws {
        let good = Self.temporary() + ".yaml"
        try "port: 18123\nno-metrics: true\nlog-format: json\n".write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try await Self.run(["config", "check", good])
        #expect(ok.status == 0)
        #expect(ok.out.contains("OK: \(good) sets 3 setting(s)"))
        #expect(ok.out.contains("  port: 18123\n"))
        for (text, message) in [
            ("prot: 1\n", "(line 1): unknown setting 'prot'"),
            ("port: eighty\n", "key 'port' or DISCREET_PORT: expected a whole number from 1 to 65535"),
            ("demo: maybe\n", "key 'demo' or DISCREET_DEMO: expected true or false"),
            ("log-level: loud\n", "key 'log-level' or DISCREET_LOG_LEVEL: expected trace, debug"),
            ("- port\n", "must be a mapping of settings"),
        ] {
            let file = Self.temporary() + ".yaml"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try await Self.run(["config", "check", file])
            #expect(r.status == 2, "\(text)")
            #expect(r.out.contains(message), "\(r.out)")
        }
        #expect(try await Self.run(["config", "check", "/nonexistent.yaml"]).out == "no such file: /nonexistent.yaml\n")
    }

    /// Flags over DISCREET_* variables over the file: the port the service listens on shows which won.
    @Test func serveTakesFlagsOverVariablesOverTheFile() async throws {
        let dir = Self.temporary()
        let file = dir + ".yaml"
        let (fromFile, fromVariable, fromFlag) = (TestPort.unused(), TestPort.unused(), TestPort.unused())
        try "port: \(fromFile)\nno-metrics: true\ndemo: true\ndata-dir: \(dir)\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        func listensOn(_ arguments: [String], environment: [String: String] = [:]) async throws -> Int? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.binary)
            p.arguments = ["serve", "--config", file] + arguments
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            defer {
                p.terminate()
                p.waitUntilExit()
            }
            for _ in 0..<200 {
                for port in [fromFile, fromVariable, fromFlag] {
                    let url = URL(string: "http://127.0.0.1:\(port)/health")!
                    if let (_, r) = try? await URLSession.shared.data(from: url), (r as? HTTPURLResponse)?.statusCode == 200 {
                        return port
                    }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
        #expect(try await listensOn([]) == fromFile)
        #expect(try await listensOn([], environment: ["DISCREET_PORT": String(fromVariable)]) == fromVariable)
        #expect(
            try await listensOn(["--port", String(fromFlag)], environment: ["DISCREET_PORT": String(fromVariable)])
                == fromFlag)
        // The file's data-dir was used.
        #expect(FileManager.default.fileExists(atPath: dir + "/discreet.sqlite"))
    }

    @Test func serveDemoPrintsAKeyAndACurlLineThatWorks() async throws {
        let dir = Self.temporary()
        let port = TestPort.unused()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = [
            "serve", "--demo", "--data-dir", dir, "--port", String(port), "--no-metrics", "--log-level", "info", "--log-format",
            "json",
        ]
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let printed = try await offPool { Self.read(out, until: "-d '{") }
        let keyLine = try #require(printed.split(separator: "\n").first { $0.contains("export DISCREET_KEY=") })
        let key = String(keyLine.split(separator: "=").last!)
        let body = try #require(printed.components(separatedBy: "-d '").last?.components(separatedBy: "'").first)
        #expect(printed.contains("http://127.0.0.1:\(port)/v1/disclosures"))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/disclosures")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        var answer: (Data, URLResponse)?
        for _ in 0..<50 where answer == nil {
            answer = try? await URLSession.shared.data(for: request)
            if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let (data, response) = try #require(answer)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let released = try #require(json["released"] as? [String: Any])
        #expect(released["name"] as? String == "Ana Souza")
        #expect(released["phone"] as? String == "********5678")
        #expect(released["diagnosis"] == nil)
        p.terminate()
        p.waitUntilExit()
        // Its log: JSON lines, one of them the disclosure's access line, none holding a value sent.
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = log.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not a JSON line: \(line)")
        }
        #expect(lines.contains { $0.contains(#""route":"/v1/disclosures""#) && $0.contains(#""status":"200""#) })
        #expect(!log.contains("Ana Souza"))
        let again = try await Self.run(["keys", "create", "--role", "auditor", "--data-dir", dir])
        #expect(again.status == 0)

        // The ledger it wrote verifies, with the key it publishes.
        let shown = try await Self.run(["keys", "show", "--data-dir", dir])
        #expect(shown.out.hasPrefix("discreet.local/ledger+"))
        let ok = try await Self.run([
            "verify", "--data-dir", dir, "--verifier-key", shown.out.trimmingCharacters(in: .whitespacesAndNewlines),
        ])
        #expect(ok.status == 0, "\(ok.out)")
        #expect(ok.out.contains("entries:      1\n"))
        #expect(ok.out.hasSuffix("OK: the ledger is intact\n"))
        // Edited behind its back, it does not.
        let db = try DatabaseQueue(path: dir + "/discreet.sqlite")
        try await db.write { db in
            try db.execute(sql: "DROP TRIGGER disclosures_append_only_update")
            try db.execute(sql: "UPDATE disclosures SET entry = CAST('{}' AS BLOB) WHERE ledger_index = 0")
        }
        let bad = try await Self.run(["verify", "--data-dir", dir])
        #expect(bad.status == 1)
        #expect(bad.out.contains("FAILED: entry 0 was edited"))
    }

    @Test func aCorruptedStoreIsNeverServedFrom() async throws {
        let dir = Self.temporary()
        #expect(try await Self.run(["keys", "create", "--init", "--role", "admin", "--data-dir", dir]).status == 0)
        // Overwrite one page in the middle of the database file with garbage.
        let path = dir + "/discreet.sqlite"
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size >= 4 * 4096)
        try handle.seek(toOffset: 2 * 4096)
        try handle.write(contentsOf: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        try handle.close()
        let r = try await Self.run(["serve", "--demo", "--data-dir", dir, "--port", "18999", "--no-metrics"])
        #expect(r.status != 0)
        #expect(r.err.contains("is damaged"), "\(r.err)")
        #expect(r.err.contains("Restore the data directory from a backup"))
    }

    @Test func serveRefusesAGatewayRouteWhoseCredentialIsMissingAndHalfATLSPair() async throws {
        let dir = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let demo = try await Self.run(["policy", "demo"]).out
        let policy = dir + "/policy.yaml"
        try
            (demo + """

                gateway:
                  routes:
                    collect:
                      provider: recouvra
                      purpose: debt-collection
                      record-type: patient
                      match: { method: POST, path: /claims }
                      subject: { pointer: /subject }
                      record: { pointer: /patient }
                      upstream: { url: "http://127.0.0.1:9", auth: { bearer: recouvra-token } }

                """).write(toFile: policy, atomically: true, encoding: .utf8)
        let missing = try await Self.run([
            "serve", "--demo", "--policy", policy, "--data-dir", dir + "/data", "--port", "18998", "--no-metrics",
        ])
        #expect(missing.status != 0)
        #expect(missing.err.contains("/gateway/routes/collect/upstream/auth"), "\(missing.err)")
        #expect(missing.err.contains("DISCREET_UPSTREAM_RECOUVRA_TOKEN"))
        #expect(!missing.out.contains("dsk_"), "no key is printed for a service that does not start")

        // A credential file others may read is refused with the chmod to run.
        let secrets = dir + "/data/secrets/upstreams"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        try "token-value".write(toFile: secrets + "/recouvra-token", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secrets + "/recouvra-token")
        let open = try await Self.run([
            "serve", "--demo", "--policy", policy, "--data-dir", dir + "/data", "--port", "18998", "--no-metrics",
        ])
        #expect(open.status != 0)
        #expect(open.err.contains("chmod 600"), "\(open.err)")
        #expect(!open.err.contains("token-value"))

        let half = try await Self.run([
            "serve", "--demo", "--data-dir", dir + "/data2", "--tls-certificate", dir + "/c.pem", "--port", "18998",
        ])
        #expect(half.status != 0)
        #expect(half.err.contains("--tls-certificate and --tls-key go together"), "\(half.err)")
    }
}
