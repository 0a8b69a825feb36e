import ArgumentParser
import DiscreetPolicy
import DiscreetServer
import Foundation

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check policy bundles.",
        subcommands: [Test.self, Init.self, Replay.self, Demo.self, ScrubCommand.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a bundle and run its own tests; exits 1 when a test fails, 2 when the bundle is invalid.")

        @Argument(help: "The bundle, YAML or JSON.") var file: String
        @Option(help: "The instant for tests that do not fix their own (RFC 3339); default now.") var at: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                // Exit 2, as for a bundle that does not validate: nothing was tested.
                FileHandle.standardError.write(Data("Error: no such file, or not readable: \(file)\n".utf8))
                throw ExitCode(2)
            }
            let now: Date
            if let at {
                guard let d = RFC3339.parse(at) else { throw ValidationError("--at is not an RFC 3339 date") }
                now = d
            } else {
                now = Date()
            }
            let bundle: PolicyBundle
            do {
                // A .json file is the JSON form, held to JSON's types as PUT /v1/policy holds it.
                bundle = try BundleParser.parse(Array(data), format: file.lowercased().hasSuffix(".json") ? .json : .yaml)
            } catch {
                print("\(file): invalid bundle, \(error.issues.count) issue(s):")
                for issue in error.issues { print("  \(issue)") }
                throw ExitCode(2)
            }
            let results = BundleTestRunner.run(bundle, now: now)
            for r in results {
                print("\(r.passed ? "PASS" : "FAIL") \(r.name)")
                for f in r.failures { print("     \(f)") }
            }
            let failed = results.filter { !$0.passed }.count
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the demo bundle, a starting point for your own.")
        func run() { print(DemoPolicy.source) }
    }
}
