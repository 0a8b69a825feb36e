import DiscreetLedger
import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `discreet witness serve` as its own process, following one log, up and answering `/health`;
/// its log lines go to a file the test can read.
final class WitnessProcess: Sendable {
    let process = Process()
    let port = TestPort.unused()
    let directory = CLITests.temporary()
    let logFile = CLITests.temporary() + ".log"
    let vkey: String
    let name: String

    init(following log: String, name: String = "witness.example/w1") async throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["witness", "serve", "--data-dir", directory, "--name", name, "--log", log, "--port", String(port)]
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        process.standardOutput = Pipe()
        process.standardError = FileHandle(forWritingAtPath: logFile)
        try process.run()
        for _ in 0..<200 {
            if let (_, r) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
                (r as? HTTPURLResponse)?.statusCode == 200
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        vkey = try await CLITests.run(["witness", "key", "--data-dir", directory, "--name", name]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// A ledger key for a service, given by environment, and its verifier key as `keys show` prints it.
    static func ledgerKey(dataDir: String, environment base: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> (environment: [String: String], vkey: String)
    {
        var env = base
        env["DISCREET_LEDGER_KEY"] = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let vkey = try await CLITests.run(["keys", "show", "--data-dir", dataDir], environment: env).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(NoteVerifierKey(encoded: vkey) != nil, "\(vkey)")
        return (env, vkey)
    }
}
