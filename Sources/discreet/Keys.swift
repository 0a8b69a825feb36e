import ArgumentParser
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; it is printed once and only its digest is stored.")

        @OptionGroup var data: DataDirectoryOption
        @Option(
            name: .customLong("role"),
            help: "A role: admin, consent-manager, discloser, exception-officer, auditor or provider:<id>. Repeat for several.")
        var roles: [String]
        @Option(help: "A label saying who holds the key.") var label: String = ""

        func validate() throws {
            guard !roles.isEmpty else { throw ValidationError("name at least one --role") }
            for r in roles where Role(r) == nil {
                throw ValidationError("unknown role '\(r)'; expected one of: \(Role.named.joined(separator: ", "))")
            }
        }

        func run() async throws {
            let store = try SQLiteStore(directory: data.dataDir)
            let (key, record) = APIKeys.generate(roles: roles.compactMap(Role.init), label: label, now: Date())
            try await store.insertKey(record)
            print(key)
        }
    }
}
