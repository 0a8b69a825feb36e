import DiscreetLedger
import DiscreetPolicy
import Foundation
import NIOConcurrencyHelpers

/// An append as a ledger writer receives it: its leaf already hashed by the caller's task, so the
/// batch's writer, which every pending append waits on, does only what must be serial.
public struct PendingAppend: Sendable {
    public var entry: LedgerAppend
    public var leaf: [UInt8]
    /// `entry.recordedAt` as stored (RFC 3339).
    public var recordedAt: String

    public init(_ entry: LedgerAppend) {
        self.entry = entry
        self.leaf = RFC6962.leafHash(entry.entry)
        self.recordedAt = RFC3339.format(entry.recordedAt)
    }
}

/// What writes one batch of appends durably, in one transaction, and says where each went.
public protocol LedgerBatchWriter: Sendable {
    /// Called for one batch at a time by `GroupCommit`; returns a receipt per append, in order,
    /// only once the batch is durable. Fenced: a transaction that reaches its commit at or after
    /// `fence` rolls back instead, so a batch whose callers were already answered (its wait ended
    /// at the deadline) cannot commit later unseen, unless its commit was already under way.
    func write(_ batch: [PendingAppend], fence: ContinuousClock.Instant) async throws -> [LedgerReceipt]

    /// Which of these disclosure ids the ledger holds, read in turn with the writes (PostgreSQL:
    /// with the ledger's head row locked, so a batch still committing has ended; SQLite: in the
    /// writer's turn), after bringing the writer's own view of the ledger head up to date.
    func committed(_ ids: [String]) async throws -> Set<String>

    /// True when a batch cannot overtake one still being written, whatever its caller does
    /// (SQLite: one connection writes, in turn). Giving up on a batch at its deadline would then
    /// only queue the next behind it, so `GroupCommit` waits for it without racing a timer (two
    /// tasks and a timer per batch); its callers are answered at their deadlines by the watch all
    /// the same. False (the default) where a later batch can go through while an earlier one hangs
    /// (PostgreSQL: another connection, once the database has let go of the hung one's lock).
    var batchesWaitInTurn: Bool { get }
}

extension LedgerBatchWriter {
    public var batchesWaitInTurn: Bool { false }
}

/// Group commit, for every store: appends that arrive while a batch is being written wait and go
/// together into the next, so durability costs one commit per batch, not per request. Ledger
/// before release: an append's caller is given receipts only after its batch is durable.
///
/// Every wait has a deadline, kept where the caller is: an append is answered within `deadline`
/// whatever the database or the disk does (stopped, paused, a connection cut mid-commit), and the
/// writer is never held by a batch past it. A batch whose outcome is unknown (it failed, or its
/// wait ended while it was still being written) is never guessed: before anything else is written,
/// the ledger is read back in turn with the writes, and each of its entries that did commit,
/// although its caller was answered with an error, gets a `DeliveryRecord` saying nothing was
/// released. Entries that did not commit leave no trace.
public final class GroupCommit<Writer: LedgerBatchWriter>: Sendable {
    /// One caller's appends, answered once: by its batch, or by the watch at its deadline.
    final class Waiting: Sendable {
        let appends: [PendingAppend]
        let expiresAt: ContinuousClock.Instant
        let answer = OnceAnswer<[LedgerReceipt]>()

        init(_ appends: [PendingAppend], expiresAt: ContinuousClock.Instant) {
            self.appends = appends
            self.expiresAt = expiresAt
        }

        /// True when this call gave the answer.
        @discardableResult
        func resume(_ result: Result<[LedgerReceipt], any Error>) -> Bool { answer.give(result) }
    }

    struct State {
        var queue: [Waiting] = []
        var writing = false
        /// Every caller not yet known to be answered, for the watch.
        var watched: [Waiting] = []
        var watching = false
        /// Appends handed to the writer whose callers were answered with an error: committed or
        /// not, to be found out before the next batch is written.
        var unknown: [PendingAppend] = []
    }

    public let writer: Writer
    /// How long a caller, a batch and a reconciliation may each take.
    public let deadline: Duration
    /// How often the watch looks for callers past their deadline: how late, at most, one is answered.
    let watchTick: Duration
    /// How many ticks the watch goes on with nobody waiting before it ends: a client that sends
    /// one request at a time keeps one watch, instead of starting one per request.
    let idleTicks: Int
    /// The time a not-released record is written at.
    let clock: @Sendable () -> Date
    /// A pthread mutex (NIO's), not `Synchronization.Mutex`: every append and the writer contend
    /// for it, and under load ThreadSanitizer reported a race on this state although every access
    /// is inside the lock. The standard library, Mutex's futex slow path included, is not
    /// instrumented; pthread mutexes are intercepted, so TSan sees what orders the accesses.
    let state = NIOLockedValueBox(State())

    public init(
        _ writer: Writer, deadline: Duration = .seconds(5), clock: @escaping @Sendable () -> Date = { Date() },
        watchTick: Duration = .milliseconds(50), idleTicks: Int = 40
    ) {
        self.writer = writer
        self.deadline = deadline
        self.clock = clock
        self.watchTick = watchTick
        self.idleTicks = max(1, idleTicks)
    }

    public func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        try await append([entry])[0]
    }

    /// Appends several entries into the same batch, so one transaction holds them all: either
    /// every one is durable or none is (a gateway body of several subjects, one entry each).
    public func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt] {
        guard !entries.isEmpty else { return [] }
        return try await enqueue(entries.map(PendingAppend.init))
    }

    /// Whether the ledger can take a write now: nothing is left to reconcile, after trying once
    /// (within the deadline) to reconcile what is. `/ready` asks this, so that a load balancer
    /// stops sending to a replica whose ledger is stuck, and sends again once it is not.
    public func settle() async -> Bool {
        do {
            _ = try await enqueue([])
        } catch {
            return false
        }
        return state.withLockedValue { $0.unknown.isEmpty }
    }

    private func enqueue(_ appends: [PendingAppend]) async throws -> [LedgerReceipt] {
        // The caller's own deadline: what is left of its request's budget, at most the ledger's.
        let waiting = Waiting(appends, expiresAt: .now + StoreBudget.remaining(within: deadline))
        return try await withCheckedThrowingContinuation { continuation in
            waiting.answer.set(continuation)
            let (start, watch) = state.withLockedValue { s -> (Bool, Bool) in
                s.queue.append(waiting)
                s.watched.append(waiting)
                let watch = !s.watching
                s.watching = true
                if s.writing { return (false, watch) }
                s.writing = true
                return (true, watch)
            }
            if watch { Task { await self.watch() } }
            if start { Task { await self.drain() } }
        }
    }

    /// One timer for every caller, not a task per append (each one created, scheduled and
    /// cancelled per request, decision 0018): wakes every `watchTick` and answers the callers past their
    /// deadline; ends once nobody has waited for `idleTicks`.
    private func watch() async {
        var idle = 0
        while true {
            try? await Task.sleep(for: watchTick)
            let now = ContinuousClock.now
            let (due, ended) = state.withLockedValue { s -> ([Waiting], Bool) in
                s.watched.removeAll { $0.answer.isAnswered }
                let due = s.watched.filter { $0.expiresAt <= now }
                if !due.isEmpty { s.watched.removeAll { $0.expiresAt <= now } }
                idle = s.watched.isEmpty ? idle + 1 : 0
                guard idle >= idleTicks else { return (due, false) }
                s.watching = false
                return (due, true)
            }
            for waiting in due { expire(waiting) }
            if ended { return }
        }
    }

    /// A caller's deadline passed: answered with an error at once. Still queued, its appends are
    /// taken out and never written; in a batch being written, that batch's outcome decides.
    private func expire(_ waiting: Waiting) {
        state.withLockedValue { s in s.queue.removeAll { $0 === waiting } }
        waiting.resume(.failure(DeadlineExceeded(deadline: deadline)))
    }

    /// Writes batches until the queue is empty, reconciling first whatever is unknown.
    private func drain() async {
        while true {
            let (batch, unknown) = state.withLockedValue { s in
                let batch = s.queue
                s.queue = []
                if batch.isEmpty { s.writing = false }
                return (batch, s.unknown)
            }
            guard !batch.isEmpty else { return }
            if !unknown.isEmpty {
                do {
                    try await withDeadline(deadline) { [self] in try await reconcile(unknown) }
                    state.withLockedValue { s in s.unknown.removeFirst(min(unknown.count, s.unknown.count)) }
                } catch {
                    // Nothing of this batch was handed to the writer: it leaves no trace.
                    for w in batch { w.resume(.failure(error)) }
                    continue
                }
            }
            // Callers answered by their deadline while the batch waited are not written at all.
            let live = batch.filter { !$0.answer.isAnswered }
            // Closures, not key paths: in this generic type a key path is instantiated at run time, on every batch.
            let appends = live.flatMap { $0.appends }
            guard !appends.isEmpty else {
                for w in live { w.resume(.success([])) }
                continue
            }
            let fence = ContinuousClock.now + deadline
            do {
                let receipts =
                    try await writer.batchesWaitInTurn
                    ? writer.write(appends, fence: fence)
                    : withDeadline(deadline) { [writer] in try await writer.write(appends, fence: fence) }
                guard receipts.count == appends.count else { throw GroupCommitMismatch() }
                var rest = receipts[...]
                for w in live {
                    let mine = Array(rest.prefix(w.appends.count))
                    rest = rest.dropFirst(w.appends.count)
                    // A caller answered by its deadline meanwhile: committed, not released.
                    if !w.resume(.success(mine)) { state.withLockedValue { $0.unknown += w.appends } }
                }
            } catch {
                for w in live { w.resume(.failure(error)) }
                state.withLockedValue { $0.unknown += appends }
            }
        }
    }

    /// Finds out which of `unknown` committed, in turn with the writes, and records for each one
    /// not yet marked that nothing was released. Idempotent: the records' ids are derived from the
    /// disclosures', and the ledger refuses an id twice.
    func reconcile(_ unknown: [PendingAppend]) async throws {
        let ids = unknown.map { $0.entry.disclosureID }
        let held = try await writer.committed(ids + ids.map(DeliveryRecord.notReleasedID))
        let now = clock()
        let records = unknown.filter {
            held.contains($0.entry.disclosureID) && !held.contains(DeliveryRecord.notReleasedID($0.entry.disclosureID))
        }
        .map { PendingAppend(DeliveryRecord(notReleased: $0.entry, at: now).append) }
        guard !records.isEmpty else { return }
        _ = try await writer.write(records, fence: ContinuousClock.now + deadline)
    }
}

/// A writer returned a receipt count other than its batch's: nobody is told a false index.
struct GroupCommitMismatch: Error, CustomStringConvertible {
    var description: String { "the ledger writer returned receipts that do not match its batch" }
}

/// A batch reached its commit after its fence: rolled back, since its callers were answered.
public struct LedgerFenceReached: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the batch reached its commit after its callers' deadline; rolled back" }
}
