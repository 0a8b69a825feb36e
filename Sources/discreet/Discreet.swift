import ArgumentParser
import Foundation

@main
struct Discreet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discreet",
        abstract:
            "A disclosure gatekeeper: releases only what policy, agreements and consent permit, and records every disclosure.",
        subcommands: [Serve.self, Keys.self, PolicyCommand.self])
}

/// Where the embedded store and the service secret live.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (SQLite store and service secret).")
    var dataDir: String = "./data"

    var secretPath: String { (dataDir as NSString).appendingPathComponent("secrets/service.key") }
}
