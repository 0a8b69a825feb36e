import ArgumentParser
import DiscreetLedger
import DiscreetPostgres
import DiscreetSQLite
import DiscreetStore
import Foundation

/// `discreet migrate --from ./data --to postgres://…`: from one node on SQLite to replicas on
/// PostgreSQL, with the ledger verified on arrival.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite data directory's store into an empty PostgreSQL database, then verify the copy's ledger.",
        discussion: """
            Stop the service first. Everything is copied in one transaction (entries, subtrees, checkpoints, \
            consents and their receipts, keys, policies, reviews, the alert outbox); a database that already \
            holds data is refused. The secrets stay in the data directory: give the replicas the same ones.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "The data directory to copy from (the same as --data-dir).") var from: String?
    @Option(
        help:
            "postgres://USER@HOST:PORT/DATABASE, an empty database (password from DISCREET_STORE_PASSWORD_FILE or DISCREET_STORE_PASSWORD)."
    )
    var to: String

    func run() async throws {
        var data = self.data
        if let from { data.dataDirFlag = from }
        data.storeFlag = nil
        guard data.hasStore else { throw CommandError("no store in \(data.dataDir): pass the --from directory the service used") }
        let verifier = try data.ledgerKey(create: false).verifier
        let target = try await data.openPostgres(to)
        let rows: StoreRows
        let report: LedgerAudit.Report
        do {
            rows = try await SQLiteStore(directory: data.dataDir).exportRows()
            try await target.importRows(rows)
            report = try await target.audit(verifier: verifier)
        } catch let refusal as PostgresTargetNotEmpty {
            await target.close()
            throw CommandError("\(target.location): \(refusal)")
        } catch {
            await target.close()
            throw error
        }
        await target.close()
        print(
            "copied:       \(rows.entries.count) entries, \(rows.checkpoints.count) checkpoints, \(rows.consents.count) consents, \(rows.providers.count) providers, \(rows.keys.count) keys, \(rows.policies.count) policies, \(rows.reviews.count) reviews"
        )
        print("root:         \(Data(report.root).base64EncodedString())")
        if let finding = report.finding {
            print("FAILED: the copy does not verify: \(finding)")
            throw ExitCode(1)
        }
        print("OK: the copy's ledger verifies (\(report.checkpointsChecked) checkpoints, key \(verifier.name))")
    }
}
