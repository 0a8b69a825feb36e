import DiscreetLedger
import DiscreetPolicy
import NIOConcurrencyHelpers

/// An append as a ledger writer receives it: its leaf already hashed by the caller's task, so the
/// batch's writer, which every pending append waits on, does only what must be serial.
public struct PendingAppend: Sendable {
    public var entry: LedgerAppend
    public var leaf: [UInt8]
    /// `entry.recordedAt` as stored (RFC 3339).
    public var recordedAt: String
}

/// What writes one batch of appends durably, in one transaction, and says where each went.
public protocol LedgerBatchWriter: Sendable {
    /// Called for one batch at a time, never concurrently; returns a receipt per append, in order,
    /// only once the batch is durable.
    func write(_ batch: [PendingAppend]) async throws -> [LedgerReceipt]
}

/// Group commit, for every store: appends that arrive while a batch is being written wait and go
/// together into the next, so durability costs one commit per batch, not per request. Ledger
/// before release: an append's caller is answered only after its batch's `write` returned.
public final class GroupCommit<Writer: LedgerBatchWriter>: Sendable {
    struct Waiting: Sendable {
        var append: PendingAppend
        var continuation: CheckedContinuation<LedgerReceipt, any Error>
    }

    struct State {
        var queue: [Waiting] = []
        var writing = false
    }

    public let writer: Writer
    /// A pthread mutex (NIO's), not `Synchronization.Mutex`: every append and the writer contend
    /// for it, and under load ThreadSanitizer reported a race on this state although every access
    /// is inside the lock. The standard library, Mutex's futex slow path included, is not
    /// instrumented; pthread mutexes are intercepted, so TSan sees what orders the accesses.
    let state = NIOLockedValueBox(State())

    public init(_ writer: Writer) {
        self.writer = writer
    }

    public func append(_ entry: LedgerAppend) async throws -> LedgerReceipt {
        let append = PendingAppend(
            entry: entry, leaf: RFC6962.leafHash(entry.entry), recordedAt: RFC3339.format(entry.recordedAt))
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLockedValue { s -> Bool in
                s.queue.append(Waiting(append: append, continuation: continuation))
                if s.writing { return false }
                s.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes batches until the queue is empty.
    private func drain() async {
        while true {
            let batch = state.withLockedValue { s in
                let batch = s.queue
                s.queue = []
                if batch.isEmpty { s.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let receipts = try await writer.write(batch.map(\.append))
                guard receipts.count == batch.count else { throw GroupCommitMismatch() }
                for (w, r) in zip(batch, receipts) { w.continuation.resume(returning: r) }
            } catch {
                for w in batch { w.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A writer returned a receipt count other than its batch's: nobody is told a false index.
struct GroupCommitMismatch: Error, CustomStringConvertible {
    var description: String { "the ledger writer returned receipts that do not match its batch" }
}
