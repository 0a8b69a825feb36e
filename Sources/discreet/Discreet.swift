import ArgumentParser
import DiscreetLedger
import DiscreetSQLite
import DiscreetServer
import Foundation

@main
struct Discreet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discreet",
        abstract:
            "A disclosure gatekeeper: releases only what policy, agreements and consent permit, and records every disclosure.",
        subcommands: [Serve.self, Keys.self, PolicyCommand.self, Verify.self])
}

/// Where the embedded store and the service secret live.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (SQLite store and service secret).")
    var dataDir: String = "./data"

    @Option(help: "The ledger's origin: the first line of its checkpoints and the name of its signing key.")
    var ledgerOrigin: String = "discreet.local/ledger"

    @Option(help: "The checkpoint signing key (32 bytes, created at mode 0600 if absent); default <data-dir>/secrets/ledger.key.")
    var ledgerKeyFile: String?

    var secretPath: String { (dataDir as NSString).appendingPathComponent("secrets/service.key") }

    /// The checkpoint signing key, from DISCREET_LEDGER_KEY, the key file, or created (unless
    /// `create` is false: read-only commands leave nothing behind).
    func ledgerKey(create: Bool = true) throws -> NoteSigningKey {
        guard NoteVerifierKey.isValidName(ledgerOrigin) else {
            throw ValidationError("--ledger-origin must be non-empty, without spaces or '+'")
        }
        let path = ledgerKeyFile ?? (dataDir as NSString).appendingPathComponent("secrets/ledger.key")
        return try LedgerSigningKey.load(
            path: path, name: ledgerOrigin, environment: ProcessInfo.processInfo.environment, create: create)
    }

    /// The consent receipt signer (DISCREET_RECEIPT_KEY, or <data-dir>/secrets/receipt.key).
    func receipts() async throws -> ConsentReceipts {
        let key = try SigningKeyFile.load(
            path: (dataDir as NSString).appendingPathComponent("secrets/receipt.key"),
            environmentVariable: ConsentReceipts.environmentVariable, environment: ProcessInfo.processInfo.environment)
        return await ConsentReceipts(privateKey: key, controller: ledgerOrigin)
    }

    /// Whether the data directory holds a store.
    var hasStore: Bool {
        FileManager.default.fileExists(atPath: (dataDir as NSString).appendingPathComponent(SQLiteStore.fileName))
    }

    /// The store, signing checkpoints with the ledger key.
    func openStore() throws -> (SQLiteStore, NoteSigningKey) {
        let key = try ledgerKey()
        let store = try SQLiteStore(directory: dataDir, checkpointSigner: LedgerSigningKey.signer(key, origin: ledgerOrigin))
        return (store, key)
    }
}
