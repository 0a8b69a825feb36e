import ArgumentParser
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API keys.", subcommands: [Create.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; it is printed once and only its digest is stored.")

        @OptionGroup var data: DataDirectoryOption
        @Option(
            name: .customLong("role"),
            help: "A role: admin, consent-manager, discloser, exception-officer, auditor or provider:<id>. Repeat for several.")
        var roles: [String]
        @Option(help: "A label saying who holds the key.") var label: String = ""
        @Flag(
            name: .customLong("init"),
            help: "Create the data directory's store if it has none (otherwise a directory with no store is refused).")
        var initialize = false

        func validate() throws {
            guard !roles.isEmpty else { throw ValidationError("name at least one --role") }
            for r in roles where Role(r) == nil {
                throw ValidationError("unknown role '\(r)'; expected one of: \(Role.named.joined(separator: ", "))")
            }
        }

        func run() async throws {
            // A key made into a new store that no server reads would be refused by the running one.
            guard data.hasStore || initialize else {
                throw CommandError(
                    "no store in \(data.dataDir): pass the --data-dir (or --store) the service uses, or --init to start a new one"
                )
            }
            let (store, _) = try await data.openStore()
            let (key, record) = APIKeys.generate(roles: roles.compactMap(Role.init), label: label, now: Date())
            try await store.insertKey(record)
            print(key)
        }
    }
}

extension Keys {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the verifier key of the checkpoint signing key, as signed-note verifiers read it.")

        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            print(try data.ledgerKey(create: false).verifier.encoded)
        }
    }
}
