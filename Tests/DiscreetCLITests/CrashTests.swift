import DiscreetLedger
import DiscreetTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Ledger before release, under a real crash: every receipt a client got survives SIGKILL.
@Suite struct CrashTests {
    /// A `discreet serve` process; its fields are set once, and a Process may be signalled from any task.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        let key: String?
        let errors: String

        convenience init(dir: String, port: Int) throws {
            try self.init(arguments: ["--data-dir", dir], port: port)
        }

        /// Started, and waited for until it prints its key, on a Dispatch thread: the wait can take
        /// seconds on a loaded machine, and must not hold one of the cooperative pool's threads.
        static func start(dir: String, port: Int) async throws -> Server {
            try await offPool { try Server(dir: dir, port: port) }
        }

        static func start(arguments: [String], environment: [String: String]? = nil, port: Int) async throws -> Server {
            try await offPool { try Server(arguments: arguments, environment: environment, port: port) }
        }

        /// `serve --demo` on `port` with `arguments`; the key it printed, if it printed one.
        init(arguments: [String], environment: [String: String]? = nil, port: Int) throws {
            self.port = port
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments =
                ["serve", "--demo", "--port", String(port), "--no-metrics", "--log-level", "error"] + arguments
            if let environment { process.environment = environment }
            let out = Pipe()
            process.standardOutput = out
            // Its errors go to a file, shown if it does not come up.
            errors = CLITests.temporary() + ".stderr"
            _ = FileManager.default.createFile(atPath: errors, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errors) ?? FileHandle.nullDevice
            try process.run()
            var printed = ""
            while !printed.contains("-d '{") && !printed.contains("keys already exist") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                printed += String(decoding: chunk, as: UTF8.self)
            }
            key = printed.split(separator: "\n").first { $0.contains("export DISCREET_KEY=") }.map {
                String($0.split(separator: "=").last!)
            }
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        /// A JSON answer, its status checked to be a success.
        func json(
            _ method: String, _ path: String, key: String, body: String? = nil, contentType: String = "application/json"
        ) async throws -> [String: Any] {
            let (status, data) = try await request(method, path, key: key, body: body, contentType: contentType)
            #expect((200..<300).contains(status), "\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))")
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func request(
            _ method: String, _ path: String, key: String, body: String? = nil, contentType: String = "application/json"
        ) async throws -> (Int, Data) {
            var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            r.httpMethod = method
            r.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            if let body {
                r.setValue(contentType, forHTTPHeaderField: "Content-Type")
                r.httpBody = Data(body.utf8)
            }
            r.timeoutInterval = 30
            let (data, response) = try await URLSession.shared.data(for: r)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }

        /// Up to 20 s (a restart recovers the ledger, on a machine busy with the other tests).
        func waitUntilReady(key: String) async throws {
            for _ in 0..<400 where process.isRunning {
                if let (status, _) = try? await request("GET", "/v1/policy", key: key), status == 200 { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            Issue.record("the server on port \(port) did not come up (running: \(process.isRunning)): \(said)")
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    struct Receipt: Sendable {
        var index: UInt64
        var leafHash: [UInt8]
    }

    @Test func everyAcknowledgedDisclosureSurvivesSIGKILL() async throws {
        let dir = CLITests.temporary()
        let port = TestPort.unused()
        let first = try await Server.start(dir: dir, port: port)
        let key = try #require(first.key)
        try await first.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza","phone":"+33612345678"}}"#

        // Eight clients disclose in a loop; the server is killed once they hold 200 receipts
        // between them (work done, not time spent: a loaded machine only makes the burst slower).
        let acknowledged = Counter()
        let received = try await withThrowingTaskGroup(of: [Receipt].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [Receipt] = []
                    while true {
                        guard let (status, data) = try? await first.request("POST", "/v1/disclosures", key: key, body: body),
                            status == 200,
                            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                            let receipt = json["receipt"] as? [String: Any], let index = receipt["ledger_index"] as? Int,
                            let leaf = (receipt["leaf_hash"] as? String).flatMap({ Data(base64Encoded: $0) })
                        else { return mine }
                        mine.append(Receipt(index: UInt64(index), leafHash: Array(leaf)))
                        acknowledged.add()
                    }
                }
            }
            // Bounded, in case the server stops answering: 6,000 looks, far past 200 receipts.
            for _ in 0..<6_000 where acknowledged.count < 200 { try await Task.sleep(for: .milliseconds(10)) }
            first.kill()
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(received.count >= 200, "the server stopped answering before 200 receipts")

        let second = try await Server.start(dir: dir, port: TestPort.unused())
        defer { second.kill() }
        try await second.waitUntilReady(key: key)
        let (status, note) = try await second.request("GET", "/v1/ledger/checkpoint", key: key)
        #expect(status == 200)
        let shown = try await CLITests.run(["keys", "show", "--data-dir", dir]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let verifier = try #require(NoteVerifierKey(encoded: shown))
        let checkpoint = try Checkpoint.open(String(decoding: note, as: UTF8.self), verifier: verifier)
        #expect(checkpoint.size >= UInt64(received.count))
        for r in received {
            let (status, data) = try await second.request(
                "GET", "/v1/ledger/proof/inclusion?index=\(r.index)&size=\(checkpoint.size)", key: key)
            #expect(status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let proof = (json["proof"] as? [String] ?? []).compactMap { Data(base64Encoded: $0) }.map { Array($0) }
            #expect(throws: Never.self) {
                try ProofVerifier.verifyInclusion(
                    leafHash: r.leafHash, index: r.index, size: checkpoint.size, proof: proof, root: checkpoint.root)
            }
        }
        let verify = try await CLITests.run(["verify", "--data-dir", dir, "--verifier-key", shown])
        #expect(verify.status == 0, "\(verify.out)")
    }
}
