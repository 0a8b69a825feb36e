import ArgumentParser
import DiscreetLedger
import DiscreetSQLite
import DiscreetServer
import Foundation
import Hummingbird
import Logging

/// `discreet witness …`: a C2SP tlog-witness of one's own, for whoever should be able to say the
/// professional showed everyone the same ledger.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness", abstract: "Run a transparency-log witness that cosigns discreet's checkpoints.",
        subcommands: [WitnessServe.self, WitnessKey.self])
}

/// The witness's directory and key name, shared by its subcommands.
struct WitnessOptions: ParsableArguments {
    @Option(help: "The witness's directory: its key (witness.key, 0600) and its SQLite state.") var dataDir = "./witness"
    @Option(help: "The witness's key name, a schema-less URL (witness.example/w1).") var name: String

    func validate() throws {
        guard NoteVerifierKey.isValidName(name) else { throw ValidationError("--name has no spaces and no '+'") }
    }

    func key(create: Bool) throws -> CosignerSigningKey {
        let path = (dataDir as NSString).appendingPathComponent("witness.key")
        if create { try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true) }
        let privateKey = try SigningKeyFile.load(
            path: path, environmentVariable: "DISCREET_WITNESS_KEY", environment: ProcessInfo.processInfo.environment,
            create: create)
        return CosignerSigningKey(name: name, privateKey: privateKey)
    }
}

struct WitnessServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve POST /add-checkpoint for the logs given, each by its verifier key.",
        discussion: """
            Each --log is a log's verifier key as `discreet keys show` prints it (name+keyid+base64); the log's \
            checkpoints name that key's name as their origin. The witness cosigns a checkpoint only when the log's key \
            signed it and it is consistent with the last one it cosigned, and keeps the refused forks as evidence. \
            Its own key is created on first start; its verifier key (vkey, type 0x04) is printed for the logs' \
            --witness option and for verifiers.
            """)

    @OptionGroup var options: WitnessOptions
    @Option(name: .customLong("log"), help: "A log's verifier key; repeat for several logs.") var logs: [String] = []
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8090

    func run() async throws {
        var verifiers: [NoteVerifierKey] = []
        for text in logs {
            guard let key = NoteVerifierKey(encoded: text) else {
                throw CommandError("--log must be a log's verifier key (name+keyid+base64), as 'discreet keys show' prints it")
            }
            verifiers.append(key)
        }
        guard !verifiers.isEmpty else { throw CommandError("name at least one --log to follow") }
        let key = try options.key(create: true)
        let store = try WitnessDatabase(directory: options.dataDir)
        var logger = Logger(label: "discreet.witness")
        logger.logLevel = .info
        let routes = WitnessRoutes(store: store, key: key, logs: verifiers, logger: logger)
        print("witness \(key.verifier.vkey)")
        print("following \(verifiers.map(\.name).joined(separator: ", ")) on http://\(host):\(port)/add-checkpoint")
        let app = Application(
            router: routes.router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            logger: logger)
        try await app.runService()
    }
}

struct WitnessKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Print the witness's verifier key (vkey) without starting it.")

    @OptionGroup var options: WitnessOptions

    func run() async throws {
        print(try options.key(create: false).verifier.vkey)
    }
}
