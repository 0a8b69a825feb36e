import ArgumentParser
import DiscreetLedger
import DiscreetPostgres
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation

@main
struct Discreet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discreet",
        abstract:
            "A disclosure gatekeeper: releases only what policy, agreements and consent permit, and records every disclosure.",
        subcommands: [
            Serve.self, Keys.self, PolicyCommand.self, Verify.self, VerifyReceipt.self, Trace.self, Disclose.self,
            WitnessCommand.self, Migrate.self,
            ConfigCommand.self,
        ])
}

/// Where the embedded store and the service secret live.
struct DataDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"), help: "The data directory: SQLite store and secrets (DISCREET_DATA_DIR; default ./data).")
    var dataDirFlag: String?

    @Option(
        name: .customLong("store"),
        help:
            "postgres://USER@HOST:PORT/DATABASE: the store several replicas share (DISCREET_STORE); its password from DISCREET_STORE_PASSWORD_FILE or DISCREET_STORE_PASSWORD, never the URL. Default: SQLite in the data directory."
    )
    var storeFlag: String?

    @Option(
        name: .customLong("ledger-origin"),
        help:
            "The ledger's origin: the first line of its checkpoints and the name of its signing key (DISCREET_LEDGER_ORIGIN; default discreet.local/ledger)."
    )
    var ledgerOriginFlag: String?

    @Option(
        help:
            "The checkpoint signing key file (32 bytes, created at mode 0600 if absent; DISCREET_LEDGER_KEY_FILE; default <data-dir>/secrets/ledger.key)."
    )
    var ledgerKeyFile: String?

    /// The flag, else `DISCREET_DATA_DIR`, else `./data`: every command finds the store the same way.
    var dataDir: String { dataDirFlag ?? ProcessInfo.processInfo.environment["DISCREET_DATA_DIR"] ?? "./data" }
    var ledgerOrigin: String {
        ledgerOriginFlag ?? ProcessInfo.processInfo.environment["DISCREET_LEDGER_ORIGIN"] ?? "discreet.local/ledger"
    }

    var secretPath: String { (dataDir as NSString).appendingPathComponent("secrets/service.key") }
    /// Where the gateway's upstream credentials are kept, one file each, named as the routes name them.
    var upstreamSecretsDirectory: String { (dataDir as NSString).appendingPathComponent("secrets/upstreams") }

    /// The checkpoint signing key, from DISCREET_LEDGER_KEY, the key file, or created (unless
    /// `create` is false: read-only commands leave nothing behind).
    func ledgerKey(create: Bool = true) throws -> NoteSigningKey {
        guard NoteVerifierKey.isValidName(ledgerOrigin) else {
            throw ValidationError("--ledger-origin must be non-empty, without spaces or '+'")
        }
        let path =
            ledgerKeyFile ?? ProcessInfo.processInfo.environment["DISCREET_LEDGER_KEY_FILE"]
            ?? (dataDir as NSString).appendingPathComponent("secrets/ledger.key")
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

    /// `--store`, else `DISCREET_STORE`: a PostgreSQL URL; nil for the embedded SQLite store.
    var storeURL: String? { storeFlag ?? ProcessInfo.processInfo.environment["DISCREET_STORE"] }

    /// What messages call the store: the PostgreSQL URL (without any secret) or the data directory.
    var storeName: String {
        guard let storeURL else { return dataDir }
        return (try? PostgresLocation(url: storeURL).description) ?? "the --store URL"
    }

    /// The options that name this store again, for the commands messages suggest.
    var storeArguments: String { storeURL == nil ? "--data-dir \(dataDir)" : "--store \(storeName)" }

    /// Whether there is a store to use: a PostgreSQL store always is (it is migrated on open).
    var hasStore: Bool {
        storeURL != nil
            || FileManager.default.fileExists(atPath: (dataDir as NSString).appendingPathComponent(SQLiteStore.fileName))
    }

    /// The PostgreSQL store at `url`, opened (and migrated, unless `migrating` is false) with the
    /// password `StorePassword` finds; every refusal is a one-line message naming the store
    /// without its secret.
    func openPostgres(_ url: String, signer: CheckpointSigner? = nil, migrating: Bool = true) async throws
        -> PostgresStore
    {
        let location: PostgresLocation
        let password: String?
        do {
            location = try PostgresLocation(url: url)
            password = try StorePassword.load(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandError("\(error)")
        }
        do {
            return try await PostgresStore(
                location: location, password: password, checkpointSigner: signer, migrating: migrating)
        } catch let refusal as PostgresNotAStore {
            throw CommandError("\(location): \(refusal)")
        } catch let refusal as PostgresSchemaTooNew {
            throw CommandError("\(location): \(refusal)")
        } catch let refusal as PostgresCannotConnect {
            throw CommandError("\(refusal)")
        } catch let refusal as PostgresLocationError {
            throw CommandError("\(refusal)")
        } catch {
            throw CommandError("cannot open the store at \(location): \(String(reflecting: error).prefix(300))")
        }
    }

    /// The store, signing checkpoints with the ledger key: PostgreSQL when `--store` names it,
    /// else SQLite in the data directory. The data directory still holds the secrets, which every
    /// replica must share (or take from the environment).
    func openStore() async throws -> (any DiscreetStore, NoteSigningKey) {
        let key = try ledgerKey()
        let signer = LedgerSigningKey.signer(key, origin: ledgerOrigin)
        if let storeURL { return (try await openPostgres(storeURL, signer: signer), key) }
        return (try SQLiteStore(directory: dataDir, checkpointSigner: signer), key)
    }
}

/// A command that cannot do what was asked says why on standard error and exits 1, without the
/// usage text (which is for a command line that does not parse).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
