import ArgumentParser
import DiscreetJSON
import DiscreetServer
import Foundation

/// `discreet trace FILE`: the leak report of `POST /v1/trace`, run against the store directly,
/// for an auditor holding a file that turned up where it should not.
struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace a leaked file (CSV, JSON, NDJSON or text) to the providers discreet gave its tokens and pseudonyms to.",
        discussion: """
            Prints, per provider, how many of the file's values it was given, about how many people, and the ledger \
            entries that prove it; --json prints the whole report with the entries' inclusion proofs against the \
            signed checkpoint. Exits 1 when an entry the trace relies on does not match the ledger.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Argument(help: "The leaked file; '-' reads standard input.") var file: String
    @Flag(help: "Print the whole report as JSON.") var json = false

    func run() async throws {
        guard data.hasStore else {
            throw CommandError("no store in \(data.dataDir): pass the --data-dir (or --store) the service uses")
        }
        let handle: FileHandle
        if file == "-" {
            handle = .standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: file) else { throw CommandError("cannot read \(file)") }
            handle = h
        }
        let (store, key) = try await data.openStore()
        var trace = LeakTrace(store: store)
        let report: JSONValue
        do {
            while true {
                let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                try await trace.feed(chunk)
            }
            try await trace.finish()
            report = try await trace.report(verifier: key.verifier, now: Date())
        } catch let damage as LeakTraceDamage {
            print("FAILED: \(damage)")
            throw ExitCode(1)
        }
        if json {
            print(String(decoding: JSONWriter.encode(report, sortedKeys: true), as: UTF8.self))
            return
        }
        print(report.objectValue?["summary"]?.stringValue ?? "")
        for p in report.objectValue?["providers"]?.arrayValue ?? [] {
            print(Self.line(p, name: p.objectValue?["provider"]?.stringValue ?? "?"))
        }
        for s in report.objectValue?["shared"]?.arrayValue ?? [] {
            let names = (s.objectValue?["providers"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " and ")
            print(Self.line(s, name: "shared by \(names) (attributed to neither)"))
        }
    }

    static func line(_ section: JSONValue, name: String) -> String {
        func n(_ key: String) -> String {
            if case .number(let v)? = section.objectValue?[key] { return v }
            return "0"
        }
        let subjects = section.objectValue?["subjects"]?.arrayValue?.count ?? 0
        let entries = section.objectValue?["ledger_indexes"]?.arrayValue?.count ?? 0
        return "\(name): \(n("values")) values (\(n("tokens")) tokens, \(n("pseudonyms")) pseudonyms) about \(subjects) "
            + "\(subjects == 1 ? "person" : "people"), first given in \(entries) ledger \(entries == 1 ? "entry" : "entries")"
    }
}
