import ArgumentParser
import DiscreetJSON
import DiscreetPolicy
import DiscreetServer
import Foundation

extension PolicyCommand {
    /// `discreet policy replay FILE`: `POST /v1/policy/replay` run against the store directly.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide the ledger's history again under a candidate bundle; nothing changes.",
            discussion: """
                Each disclosure entry is decided again from what it records and what the store knows of its instant \
                (the provider's version then, the subject's consents), without any value. Prints, per provider and \
                purpose, how many fields would change outcome and why, with example ledger indexes; --json prints \
                the report as the API answers it. Exits 2 when the candidate does not validate.
                """)

        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The candidate bundle, YAML or JSON.") var file: String
        @Option(help: "Replay the newest N entries only.") var last: Int64?
        @Option(help: "Entries at or after this instant (RFC 3339).") var from: String?
        @Option(help: "Entries before this instant (RFC 3339).") var to: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func validate() throws {
            if let last, last < 1 { throw ValidationError("--last is a number of entries from 1") }
            if last != nil, from != nil || to != nil { throw ValidationError("either --last or --from and --to, not both") }
            if let from, RFC3339.parse(from) == nil { throw ValidationError("--from is not an RFC 3339 instant") }
            if let to, RFC3339.parse(to) == nil { throw ValidationError("--to is not an RFC 3339 instant") }
        }

        func run() async throws {
            guard data.hasStore else {
                throw CommandError("no store in \(data.dataDir): pass the --data-dir (or --store) the service uses")
            }
            guard let bytes = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("Error: no such file, or not readable: \(file)\n".utf8))
                throw ExitCode(2)
            }
            let candidate: PolicyBundle
            do {
                candidate = try BundleParser.parse(Array(bytes), format: file.lowercased().hasSuffix(".json") ? .json : .yaml)
            } catch {
                print("\(file): invalid bundle, \(error.issues.count) issue(s):")
                for issue in error.issues { print("  \(issue)") }
                throw ExitCode(2)
            }
            let window: PolicyReplay.Window =
                last.map { .last($0) } ?? .between(from: from.flatMap(RFC3339.parse), to: to.flatMap(RFC3339.parse))
            let (store, _) = try await data.openStore()
            let report = try await PolicyReplay(store: store, candidate: candidate, window: window).run()
            if json {
                print(String(decoding: JSONWriter.encode(report.json, sortedKeys: true), as: UTF8.self))
                return
            }
            for line in Self.lines(report) { print(line) }
        }

        /// The report in sentences.
        static func lines(_ r: PolicyReplay.Report) -> [String] {
            let t = r.tally
            var out = [
                "\(t.entriesReplayed) of \(r.scanned) entries (\(r.fromIndex) to \(r.toIndex - 1)) replayed under "
                    + "\(r.candidate): \(t.fieldsChanged) of \(t.fieldsReplayed) fields would change outcome"
            ]
            func examples(_ c: ReplayTally.Count) -> String { c.examples.map(String.init).joined(separator: ", ") }
            for k in t.changes.keys.sorted() {
                let c = t.changes[k]!
                out.append(
                    "  \(k.provider), \(k.purpose): \(c.fields) fields \(k.from.rawValue) → \(k.to.rawValue) "
                        + "(then \(k.was.rawValue), now \(k.reason.rawValue)); entries \(examples(c))\(c.entries > c.examples.count ? ", …" : "")"
                )
            }
            for k in t.refusals.keys.sorted() {
                let c = t.refusals[k]!
                out.append(
                    "  \(k.provider), \(k.purpose): \(c.entries) requests refused whole (\(k.problem)); entries \(examples(c))")
            }
            if r.refusedThen > 0 { out.append("\(r.refusedThen) entries were refused whole then and are not replayed") }
            if r.notDisclosures > 0 { out.append("\(r.notDisclosures) entries record gateway deliveries, not decisions") }
            if r.providerBeforeHistory > 0 {
                out.append(
                    "\(r.providerBeforeHistory) entries were decided with a provider as it stood when provider history began")
            }
            return out
        }
    }
}
