import ArgumentParser
import DiscreetPolicy
import Foundation

extension PolicyCommand {
    /// `discreet policy init --preset NAME…`: a starting bundle written from the law.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a starting bundle from the law: one preset, or several combined (the strictest rule wins).",
            discussion: "Presets: \(Preset.all.map(\.name).joined(separator: ", ")). `--list` says what each covers.")

        @Option(name: .customLong("preset"), help: "A preset; repeat to combine several.") var presets: [String] = []
        @Option(name: .shortAndLong, help: "Write the bundle to this new file instead of standard output.") var output: String?
        @Flag(help: "List the presets and the rules each is written from.") var list = false
        @Option(help: "The instant for tests that do not fix their own (RFC 3339); default now.") var at: String?

        func validate() throws {
            if list { return }
            guard !presets.isEmpty else {
                throw ValidationError("name a preset with --preset: \(Preset.all.map(\.name).joined(separator: ", "))")
            }
            for name in presets where Preset.named(name) == nil {
                throw ValidationError(
                    "unknown preset '\(name)'; the presets are: \(Preset.all.map(\.name).joined(separator: ", "))")
            }
        }

        func run() throws {
            if list {
                for p in Preset.all {
                    print("\(p.name): \(p.summary)")
                    print("    \(p.rules.joined(separator: "; "))")
                }
                return
            }
            var now = Date()
            if let at {
                guard let d = RFC3339.parse(at) else { throw ValidationError("--at is not an RFC 3339 date") }
                now = d
            }
            let combined: PresetCombination.Combined
            do {
                combined = try PresetCombination.combine(presets.compactMap(Preset.named), now: now)
            } catch {
                FileHandle.standardError.write(Data("Error: the presets cannot be combined: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let out = try OutputFile(output)
            out.write(combined.source.hasSuffix("\n") ? combined.source : combined.source + "\n")
            try out.finish()
            let tests = combined.bundle.tests.count
            var report = "\(presets.joined(separator: " + ")): \(tests) tests, each passing under `discreet policy test`\n"
            if !combined.leftOut.isEmpty {
                report += "\(combined.leftOut.count) tests left out: another preset's stricter rule now decides them:\n"
                for l in combined.leftOut {
                    report += "  \(l.preset): \(l.test)\n"
                    for f in l.failures { report += "      \(f)\n" }
                }
            }
            FileHandle.standardError.write(Data(report.utf8))
        }
    }
}
