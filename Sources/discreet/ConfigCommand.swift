import ArgumentParser
import Foundation
import Yams

/// `discreet config check FILE`: a configuration file is read as `serve --config` reads it, and
/// every unknown key and every value of the wrong kind is named, with its line.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration file for serve.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a serve configuration file: known keys, values of the right kind; prints what it sets.",
            discussion: "Exits 0 when the file is good, 2 when it is not.")

        @Argument(help: "The YAML file.") var file: String

        func run() async throws {
            guard FileManager.default.isReadableFile(atPath: file) else {
                print("no such file: \(file)")
                throw ExitCode(2)
            }
            do {
                try ConfigFileCheck.requireKnownKeys(file)
                // The file alone: the environment is not what is being checked.
                let source = try await SettingsSource.load(file: file, environment: [:])
                var set: [String] = []
                for key in SettingsSource.names.sorted() {
                    guard let value = source.string(key) else { continue }
                    try ServeSettings.check(key, source)
                    set.append("\(key): \(value)")
                }
                print("OK: \(file) sets \(set.count) setting(s)")
                for line in set { print("  \(line)") }
            } catch let error as CommandError {
                print("FAILED: \(error)")
                throw ExitCode(2)
            }
        }
    }
}

/// The keys of a configuration file, against serve's settings.
enum ConfigFileCheck {
    static func requireKnownKeys(_ file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw CommandError("\(file) is not valid YAML: \(error)")
        }
        guard let node else { return }
        guard case .mapping(let mapping) = node else {
            throw CommandError("\(file) must be a mapping of settings (port: 8080)")
        }
        for (key, _) in mapping {
            let name = key.string ?? ""
            guard SettingsSource.names.contains(name) else {
                let line = key.mark.map { " (line \($0.line))" } ?? ""
                throw CommandError(
                    "\(file)\(line): unknown setting '\(name)'; known: \(SettingsSource.names.sorted().joined(separator: ", "))"
                )
            }
        }
    }
}
