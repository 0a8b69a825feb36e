import DiscreetLedger
import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `discreet witness serve` as its own process, following a real `discreet serve`: the service's
/// checkpoints, as it signs them, cosigned over HTTP; the growth proven with the service's own
/// consistency proof; a stale submission told the witness's size; the cosignature checked with
/// the witness's printed vkey alone and a policy requiring it.
@Suite struct WitnessCommandTests {
    static func post(_ url: String, _ body: String) async throws -> (Int, String, String?) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = "POST"
        r.httpBody = Data(body.utf8)
        r.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: r)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func aRealServicesCheckpointsAreCosignedByARealWitness() async throws {
        let dir = CLITests.temporary()
        let port = TestPort.unused()
        let service = try await CrashTests.Server.start(dir: dir, port: port)
        defer { service.stop() }
        let key = try #require(service.key)
        try await service.waitUntilReady(key: key)
        let logKey = try await CLITests.run(["keys", "show", "--data-dir", dir]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(NoteVerifierKey(encoded: logKey) != nil, "\(logKey)")

        let witnessDir = CLITests.temporary()
        let witnessPort = TestPort.unused()
        let witness = Process()
        witness.executableURL = URL(fileURLWithPath: CLITests.binary)
        witness.arguments = [
            "witness", "serve", "--data-dir", witnessDir, "--name", "witness.example/w1", "--log", logKey, "--port",
            String(witnessPort),
        ]
        witness.standardOutput = Pipe()
        witness.standardError = Pipe()
        try witness.run()
        defer { if witness.isRunning { witness.terminate() } }
        let add = "http://127.0.0.1:\(witnessPort)/add-checkpoint"
        for _ in 0..<200 {
            if let (_, r) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(witnessPort)/health")!),
                (r as? HTTPURLResponse)?.statusCode == 200
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let vkey = try await CLITests.run([
            "witness", "key", "--data-dir", witnessDir, "--name", "witness.example/w1",
        ]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let witnessKey = try #require(CosignerKey(vkey: vkey))

        func disclose(_ subject: String) async throws {
            _ = try await service.json("POST", "/v1/disclosures", key: key, body: DiscloseCommandTests.line(subject))
        }
        func checkpoint() async throws -> String {
            let (status, data) = try await service.request("GET", "/v1/ledger/checkpoint", key: key)
            #expect(status == 200)
            return String(decoding: data, as: UTF8.self)
        }

        try await disclose("p-1")
        let first = try await checkpoint()
        let firstSize = try #require(Checkpoint.open(first, verifier: NoteVerifierKey(encoded: logKey)!).size)
        let (s1, line1, _) = try await Self.post(add, "old 0\n\n" + first)
        #expect(s1 == 200, "\(line1)")
        #expect(try Cosignature.verify(note: first + line1, key: witnessKey) > 0)

        for s in ["p-2", "p-3", "p-4"] { try await disclose(s) }
        let second = try await checkpoint()
        let secondSize = try Checkpoint.open(second, verifier: NoteVerifierKey(encoded: logKey)!).size
        #expect(secondSize > firstSize)
        let proof = try await service.json(
            "GET", "/v1/ledger/proof/consistency?from=\(firstSize)&to=\(secondSize)", key: key)
        let hashes = try #require(proof["proof"] as? [String])
        let (s2, line2, _) = try await Self.post(
            add, "old \(firstSize)\n" + hashes.map { $0 + "\n" }.joined() + "\n" + second)
        #expect(s2 == 200, "\(line2)")

        // The witness's state is the service's latest size: a stale submission is told it.
        let (s3, size, type) = try await Self.post(add, "old 0\n\n" + first)
        #expect(s3 == 409)
        #expect(size == "\(secondSize)\n")
        #expect(type == "text/x.tlog.size")

        // A verifier holding only the keys: the policy's quorum is met by this witness.
        let policy = try WitnessPolicy("log \(logKey)\nwitness W \(vkey) \(add)\nquorum W\n")
        let verdict = try #require(policy.verify(second + line2))
        #expect(verdict.quorumMet)
        #expect(verdict.checkpoint.size == secondSize)
    }
}
