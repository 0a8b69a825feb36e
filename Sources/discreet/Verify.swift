import ArgumentParser
import DiscreetLedger
import DiscreetPostgres
import DiscreetSQLite
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute the ledger from its entries and check every stored subtree and signed checkpoint.",
        discussion: "Exits 0 when all holds; otherwise exits 1 and names the first index edited, removed, inserted or reordered.")

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "The verifier key to trust (from /.well-known/discreet-keys); default: the data directory's own key.")
    var verifierKey: String?
    @Option(
        help:
            "A witness policy (log, witness, group, quorum lines): also fail unless the newest checkpoint is signed by a log it names and cosigned by its quorum."
    )
    var witnessPolicy: String?

    func run() async throws {
        // Read-only: nothing is created, not even a key, when the directory is not a store.
        guard data.hasStore else {
            throw CommandError("no ledger in \(data.dataDir): pass the --data-dir the service uses")
        }
        let verifier: NoteVerifierKey
        if let verifierKey {
            guard let key = NoteVerifierKey(encoded: verifierKey) else {
                throw CommandError("--verifier-key is not a verifier key")
            }
            verifier = key
        } else {
            verifier = try data.ledgerKey(create: false).verifier
        }
        let policy = try witnessPolicy.map(Self.readPolicy)
        let report: LedgerAudit.Report
        var witnessed: [String] = []
        do {
            if let url = data.storeURL {
                let store = try await data.openPostgres(url, migrating: false)
                do {
                    report = try await store.audit(verifier: verifier)
                    if policy != nil { witnessed = try await store.witnessedNotes() }
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
            } else {
                report = try LedgerSnapshot.audit(directory: data.dataDir, verifier: verifier)
                if policy != nil { witnessed = try LedgerSnapshot.witnessedNotes(directory: data.dataDir) }
            }
        } catch let damage as LedgerSnapshot.SnapshotError {
            print("FAILED: \(damage)")
            throw ExitCode(1)
        } catch let damage as PostgresStoreDamaged {
            print("FAILED: \(damage)")
            throw ExitCode(1)
        }
        print("entries:      \(report.entries)")
        print("subtrees:     \(report.subtreesChecked) recomputed and compared")
        print("checkpoints:  \(report.checkpointsChecked) signatures and roots checked (key \(verifier.name))")
        print("root:         \(Data(report.root).base64EncodedString())")
        if let finding = report.finding {
            print("FAILED: \(finding)")
            throw ExitCode(1)
        }
        if let policy {
            let check = WitnessCheck(policy: policy, notes: witnessed)
            print(check.summary)
            if let failure = check.failure {
                print("FAILED: \(failure)")
                throw ExitCode(1)
            }
            print("OK: the ledger is intact and its newest checkpoint is witnessed")
            return
        }
        print("OK: the ledger is intact")
    }

    static func readPolicy(_ path: String) throws -> WitnessPolicy {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CommandError("cannot read the witness policy \(path)")
        }
        do {
            return try WitnessPolicy(text)
        } catch {
            throw CommandError("the witness policy \(path), \(error)")
        }
    }
}

/// The newest checkpoint held to a witness policy: signed by one of its logs, cosigned by its
/// quorum, and no cosignature line that fails to verify. When it falls short, the newest
/// checkpoint that meets the quorum is named, so an operator sees how far witnessing lags.
struct WitnessCheck {
    let policy: WitnessPolicy
    /// Newest first; the first is the newest checkpoint (`witnessedNotes`).
    let notes: [String]

    var newest: WitnessPolicy.Verdict? { notes.first.flatMap(policy.verify) }

    var summary: String {
        guard let v = newest else { return "witnesses:    the newest checkpoint is not signed by a log of the policy" }
        let names = policy.witnesses.map(\.name).map { name in
            v.cosigned.contains(name) ? "\(name) cosigned" : v.failed.contains(name) ? "\(name) FAILS" : "\(name) missing"
        }
        return "witnesses:    size \(v.checkpoint.size): \(names.joined(separator: ", ")); quorum \(policy.quorum) "
            + (v.quorumMet ? "met" : "not met")
    }

    var failure: String? {
        guard let first = notes.first else { return "no checkpoint is stored" }
        guard let v = policy.verify(first) else { return "the newest checkpoint is not signed by a log the witness policy names" }
        if !v.failed.isEmpty {
            return "a cosignature that does not verify, claimed for \(v.failed.sorted().joined(separator: ", "))"
        }
        guard v.quorumMet else {
            let lastMet = notes.dropFirst().compactMap(policy.verify).first { $0.quorumMet && $0.failed.isEmpty }
            return "the newest checkpoint (size \(v.checkpoint.size)) lacks the quorum \(policy.quorum); "
                + (lastMet.map { "the newest that has it is size \($0.checkpoint.size)" } ?? "no checkpoint has it")
        }
        return nil
    }
}
