import ArgumentParser
import DiscreetJSON
import DiscreetLedger
import Foundation

/// `discreet verify-receipt FILE`: a receipt bundle checked offline with keys the person holds,
/// never the ones the file names.
struct VerifyReceipt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-receipt",
        abstract: "Check a receipt bundle offline: each entry is in the ledger under a checkpoint the log signed.",
        discussion: """
            The bundle comes from GET /v1/subjects/{id}/disclosures?format=bundle (or \
            /v1/ledger/entries/{index}?format=bundle for one receipt). Nothing is fetched: the keys are \
            yours, as the professional and the witnesses publish them. Exits 0 when everything holds, 1 \
            when anything fails, naming it.
            """)

    @Argument(help: "The bundle (JSON).") var file: String
    @Option(help: "The log's verifier key, as /.well-known/discreet-keys or 'discreet keys show' publishes it.")
    var logKey: String?
    @Option(help: "A witness policy: its log keys open the checkpoint, and its quorum must have cosigned it.")
    var witnessPolicy: String?

    /// A bundle of a hundred thousand entries is some 150 MB; anything larger is not one.
    static let maxBytes = 512 << 20

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
        guard data.count <= Self.maxBytes else { throw CommandError("\(file) is larger than any receipt bundle") }
        let bundle: ReceiptBundle
        do {
            bundle = try ReceiptBundle(json: Array(data))
        } catch {
            throw CommandError("\(file) is not a receipt bundle: \(error)")
        }
        let policy = try witnessPolicy.map(Verify.readPolicy)
        var keys: [NoteVerifierKey] = policy?.logs.map(\.key) ?? []
        if let logKey {
            guard let key = NoteVerifierKey(encoded: logKey) else { throw CommandError("--log-key is not a verifier key") }
            keys.append(key)
        }
        guard !keys.isEmpty else {
            throw CommandError(
                """
                name the log's key with --log-key (or a --witness-policy): the key in the bundle is not trusted.
                The bundle names \(bundle.logKey); compare it with the one the professional publishes.
                """)
        }
        // The first key that opens the checkpoint is the log's; with none, the report says so.
        let log = keys.first { (try? Checkpoint.open(bundle.checkpoint, verifier: $0)) != nil } ?? keys[0]
        let report = bundle.verify(log: log, policy: policy)
        print(Self.describe(report, bundle: bundle, log: log))
        guard report.holds else { throw ExitCode(1) }
    }

    static func describe(_ report: ReceiptBundle.Report, bundle: ReceiptBundle, log: NoteVerifierKey) -> String {
        var out: [String] = []
        if let c = report.checkpoint {
            out.append("checkpoint:   \(c.origin), size \(c.size), signed by \(log.name)")
        } else {
            out.append("checkpoint:   FAILED: its signature by \(log.name) does not verify")
        }
        if let w = report.witnesses {
            let names = w.cosigned.sorted().map { "\($0) cosigned" } + w.failed.sorted().map { "\($0) FAILS" }
            out.append(
                "witnesses:    \(names.isEmpty ? "none cosigned" : names.joined(separator: ", ")); quorum "
                    + (w.quorumMet ? "met" : "not met"))
        }
        for line in report.lines {
            let what = line.entry?.objectValue.map { o in
                ["time", "provider", "purpose"].compactMap { o[$0]?.stringValue }.joined(separator: ", ")
            }
            let label = "entry \(line.index):".padding(toLength: 14, withPad: " ", startingAt: 0)
            if let failure = line.failure {
                out.append("\(label)FAILED: \(failure)")
            } else {
                out.append("\(label)included" + (what.map { " (\($0))" } ?? ""))
            }
        }
        let about = bundle.subject.isEmpty ? "" : " about \(bundle.subject)"
        if report.holds {
            let n = report.lines.count
            out.append(
                "OK: \(n) \(n == 1 ? "entry" : "entries")\(about) \(n == 1 ? "is" : "are") in the ledger under a checkpoint its key signed"
                    + (report.witnesses == nil ? "" : ", cosigned by the witnesses' quorum"))
        } else {
            let failed = report.lines.filter { $0.failure != nil }.count
            out.append("FAILED: \(failed) of \(report.lines.count) entries not proven" + Self.witnessShortfall(report))
        }
        return out.joined(separator: "\n")
    }

    static func witnessShortfall(_ report: ReceiptBundle.Report) -> String {
        guard let w = report.witnesses else { return report.checkpoint == nil ? "; the checkpoint is not the log's" : "" }
        if !w.failed.isEmpty { return "; a cosignature does not verify" }
        return w.quorumMet ? "" : "; the witnesses' quorum has not cosigned the checkpoint"
    }
}
