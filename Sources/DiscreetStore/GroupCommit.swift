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
    /// One caller's appends: written in one batch, answered together.
    struct Waiting: Sendable {
        var appends: [PendingAppend]
        var continuation: CheckedContinuation<[LedgerReceipt], any Error>
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
        try await append([entry])[0]
    }

    /// Appends several entries into the same batch, so one transaction holds them all: either
    /// every one is durable or none is (a gateway body of several subjects, one entry each).
    public func append(_ entries: [LedgerAppend]) async throws -> [LedgerReceipt] {
        guard !entries.isEmpty else { return [] }
        let appends = entries.map {
            PendingAppend(entry: $0, leaf: RFC6962.leafHash($0.entry), recordedAt: RFC3339.format($0.recordedAt))
        }
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLockedValue { s -> Bool in
                s.queue.append(Waiting(appends: appends, continuation: continuation))
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
                let appends = batch.flatMap(\.appends)
                let receipts = try await writer.write(appends)
                guard receipts.count == appends.count else { throw GroupCommitMismatch() }
                var rest = receipts[...]
                for w in batch {
                    w.continuation.resume(returning: Array(rest.prefix(w.appends.count)))
                    rest = rest.dropFirst(w.appends.count)
                }
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
