import DiscreetJSON
import DiscreetLedger
import DiscreetStore
import Foundation
import Logging
import PostgresNIO

/// The store for several replicas: one PostgreSQL database that every replica reads and writes.
///
/// Nothing a decision depends on is cached here: each decision reads its provider, subject and
/// consents in one round trip, so a consent withdrawn through one replica holds on every other
/// from the very next request (DESIGN §7.4). The ledger is sequenced under a row lock, never a
/// `SEQUENCE`, so its indexes have no gap (`PostgresLedgerWriter`). PostgresNIO types stay in
/// this target.
public final class PostgresStore: DiscreetStore {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    /// The appends, queued and written a batch at a time by its `writer`.
    let ledger: GroupCommit<PostgresLedgerWriter>
    /// How long any store call may take before it is given up (`bounded`).
    let deadline: Duration
    public let location: PostgresLocation

    /// Connects, applies the migrations this version knows (one replica at a time, under an
    /// advisory lock) and checks the schema is not newer than this version. With `migrating`
    /// false (`verify`), nothing is written: a database this version did not fully migrate is
    /// refused.
    public init(
        location: PostgresLocation, password: String?, checkpointSigner: CheckpointSigner? = nil,
        migrating: Bool = true, deadline: Duration = .seconds(5), logger: Logger = PostgresStore.defaultLogger
    ) async throws {
        // The certificates are read once, for the check and the pool alike.
        let tls = try location.tls()
        try await Self.checkConnection(location, password: password, tls: tls, deadline: deadline, logger: logger)
        let client = PostgresClient(configuration: location.configuration(password: password, tls: tls), backgroundLogger: logger)
        self.client = client
        // The pool runs in its own task; the first query waits until that task has begun (else
        // PostgresNIO warns that run() has not been called yet, at every start).
        let (began, beginning) = AsyncStream.makeStream(of: Never.self)
        self.runner = Task {
            beginning.finish()
            await client.run()
        }
        for await _ in began {}
        self.logger = logger
        self.location = location
        self.deadline = deadline
        self.ledger = GroupCommit(
            PostgresLedgerWriter(client: client, signer: checkpointSigner, logger: logger), deadline: deadline)
        do {
            if migrating {
                try await Self.migrate(client, logger: logger)
            } else {
                try await Self.checkMigrated(client, logger: logger)
            }
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// PostgresNIO's own events at notice and above: a pool's routine connection churn is info.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "discreet.postgres")
        logger.logLevel = .notice
        return logger
    }

    /// Closes the pool's connections.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    deinit { runner.cancel() }

    /// The database takes a transaction id, and the ledger has nothing left to reconcile.
    public func isWritable() async -> Bool {
        do {
            try await bounded { [self] in _ = try await client.query("SELECT pg_catalog.txid_current()", logger: logger) }
        } catch {
            return false
        }
        return await ledger.settle()
    }

    /// A transaction whose own errors (a refusal thrown inside it) come out as themselves, not
    /// wrapped in PostgresNIO's `PostgresTransactionError`.
    func transaction<Result: Sendable>(
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await Self.transaction(client, logger, body)
    }

    static func transaction<Result: Sendable>(
        _ client: PostgresClient, _ logger: Logger,
        _ body: nonisolated(nonsending) (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    static func encode(_ value: JSONValue) -> String { JSONWriter.string(value, sortedKeys: true) }

    static func decode(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
}

extension PostgresStore {
    /// Every request's store call ends within `deadline`: with the database down or paused,
    /// PostgresNIO's pool waits for a connection, and a query for its answer, as long as it takes,
    /// and a request must instead get its 503 (and release nothing) while the database is away.
    /// The wait is the caller's (`withDeadline`), not the query's: a query that does not react to
    /// cancellation cannot hold the request. Reads and writes outside the ledger are single
    /// statements or transactions whose late outcome changes nothing the caller was told.
    func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Self.bounded(deadline, body)
    }

    static func bounded<T: Sendable>(_ deadline: Duration, _ body: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        do {
            return try await withDeadline(StoreBudget.remaining(within: deadline), body)
        } catch is DeadlineExceeded {
            throw PostgresUnavailable(deadline: deadline)
        }
    }
}

/// The database did not answer within the store's deadline.
public struct PostgresUnavailable: Error, CustomStringConvertible {
    public var deadline: Duration

    public var description: String { "PostgreSQL did not answer within \(deadline)" }
}
