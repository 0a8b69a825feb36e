import DiscreetLedger
import DiscreetStore
import Foundation
import GRDB

/// A witness's own SQLite file, apart from any discreet store, `synchronous=FULL`: a cosignature
/// is answered only once the checkpoint it cosigns is durable, so a crash can never let the
/// witness cosign an older or a forked tree afterwards.
public final class WitnessDatabase: WitnessStateStore {
    public static let fileName = "witness.sqlite"

    let queue: DatabaseQueue

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        queue = try DatabaseQueue(path: (directory as NSString).appendingPathComponent(Self.fileName), configuration: config)
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE latest (
                        origin TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL,
                        root BLOB NOT NULL,
                        note TEXT NOT NULL,
                        cosigned_at REAL NOT NULL
                    );
                    -- Submissions refused as a fork or an inconsistent proof, kept as sent: they may
                    -- be the only evidence that a log showed two histories.
                    CREATE TABLE refusals (
                        id INTEGER PRIMARY KEY,
                        origin TEXT NOT NULL,
                        verdict TEXT NOT NULL,
                        note TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    """)
        }
        try m.migrate(queue)
    }

    public func submit(
        origin: String, note: String, at time: Date, judge: @Sendable (WitnessVerdict.Latest?) -> WitnessVerdict
    ) async throws -> WitnessVerdict {
        try await queue.write { db in
            let latest = try Self.latest(db, origin)
            let verdict = judge(latest)
            switch verdict {
            case .cosign(let c):
                try db.execute(
                    sql: """
                        INSERT INTO latest (origin, size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note,
                            cosigned_at = excluded.cosigned_at
                        """,
                    arguments: [origin, Int64(bitPattern: c.size), Data(c.root), note, time.timeIntervalSince1970])
            case .inconsistent, .fork:
                // A stale old size is a client's mistake; a fork or a bad proof may be the log's.
                try db.execute(
                    sql: "INSERT INTO refusals (origin, verdict, note, at) VALUES (?, ?, ?, ?)",
                    arguments: [origin, "\(verdict)", note, time.timeIntervalSince1970])
            default:
                break
            }
            return verdict
        }
    }

    public func latest(origin: String) async throws -> WitnessVerdict.Latest? {
        try await queue.read { db in try Self.latest(db, origin) }
    }

    static func latest(_ db: Database, _ origin: String) throws -> WitnessVerdict.Latest? {
        try Row.fetchOne(db, sql: "SELECT size, root FROM latest WHERE origin = ?", arguments: [origin]).map {
            WitnessVerdict.Latest(size: UInt64(bitPattern: $0["size"] as Int64), root: Array($0["root"] as Data))
        }
    }

    public func refusals(origin: String) async throws -> Int {
        try await queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM refusals WHERE origin = ?", arguments: [origin]) ?? 0
        }
    }
}
