import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, `synchronous=FULL` so that a committed
/// ledger append survives power loss. GRDB types stay inside this target.
public final class SQLiteStore: DiscreetStore {
    /// The database file's name inside the data directory.
    public static let fileName = "discreet.sqlite"

    let pool: DatabasePool
    /// The appends, queued and written a batch at a time by its `writer`.
    let ledger: GroupCommit<LedgerWriter>
    /// Decoded decision state, invalidated by every committed registry write.
    let decisionCache: DecisionStateCache
    public let path: String

    /// Opens (creating if needed) the store in `directory` and migrates it. With a `signer`, every
    /// batch of appends is covered by a signed checkpoint, and one is stored at least every second
    /// while entries arrive. `ledgerDeadline` bounds every append's wait (`GroupCommit`): a writer
    /// stalled by the disk, or by another process holding the database's write lock, answers 503.
    public init(directory: String, checkpointSigner: CheckpointSigner? = nil, ledgerDeadline: Duration = .seconds(5))
        throws
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.path = (directory as NSString).appendingPathComponent(SQLiteStore.fileName)
        var config = Configuration()
        config.busyMode = .timeout(5)
        do {
            self.pool = try DatabasePool(path: path, configuration: config)
            // Set on the writer after the pool is open: GRDB's WAL set-up runs after
            // `prepareDatabase` and leaves `synchronous = NORMAL`, which syncs the WAL only at
            // checkpoints, so an acknowledged append could be lost at power loss. FULL syncs every
            // commit (one sync per group-committed batch). `durability()` lets a test check it.
            try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            // A damaged store is never served from: check every page before anything else.
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw StoreDamaged(path: path, detail: check.prefix(3).joined(separator: "; ")) }
            try Self.migrator.migrate(pool)
            let cache = DecisionStateCache()
            pool.add(transactionObserver: RegistryChangeObserver(cache: cache), extent: .databaseLifetime)
            self.decisionCache = cache
            self.ledger = GroupCommit(try LedgerWriter(pool: pool, signer: checkpointSigner), deadline: ledgerDeadline)
        } catch let error as StoreDamaged {
            throw error
        } catch let error as DatabaseError
            where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode)
        {
            throw StoreDamaged(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    /// The journal mode and the `synchronous` level (2 is FULL) of the connection that commits,
    /// as SQLite reports them. A killed process cannot tell FULL from OFF (the page cache
    /// survives it), so the crash test asserts this instead of trusting the kill.
    public func durability() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    /// A write goes through, and the ledger has nothing left to reconcile.
    public func isWritable() async -> Bool {
        do {
            try await withDeadline(ledger.deadline) { [pool] in
                try await pool.write { db in
                    try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS readiness(x); DROP TABLE readiness")
                }
            }
        } catch {
            return false
        }
        return await ledger.settle()
    }

    static func encode(_ value: JSONValue) -> String { JSONWriter.string(value, sortedKeys: true) }

    static func decode(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
}

/// The store failed its integrity check: the service refuses to start rather than serve from it.
public struct StoreDamaged: Error, CustomStringConvertible {
    public var path: String
    public var detail: String

    public var description: String {
        "the store at \(path) is damaged (SQLite: \(detail)); discreet will not serve from it. Restore the data directory from a backup, then run 'discreet verify'."
    }
}
