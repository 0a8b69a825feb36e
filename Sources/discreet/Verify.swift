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
        let report: LedgerAudit.Report
        do {
            if let url = data.storeURL {
                let store = try await data.openPostgres(url, migrating: false)
                do {
                    report = try await store.audit(verifier: verifier)
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
            } else {
                report = try LedgerSnapshot.audit(directory: data.dataDir, verifier: verifier)
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
        print("OK: the ledger is intact")
    }
}
