import NIOConcurrencyHelpers

/// A wait that ended at its deadline: the work may still be running, and may still land.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var deadline: Duration

    public init(deadline: Duration) { self.deadline = deadline }

    public var description: String { "no answer within \(deadline)" }
}

/// The work's result, or `DeadlineExceeded` once `deadline` has passed, whichever comes first.
///
/// The wait is where the caller is, not behind the work: a task group would return only when its
/// last child ended, so a call that ignores cancellation (a query to a paused database, a write
/// stalled by the disk) would hold the caller past its deadline. Here the work runs in a task of its
/// own that the caller does not wait for; whatever it does later must be safe on its own (the ledger
/// writers fence their commit at the same deadline, and `GroupCommit` reconciles what it abandoned).
public func withDeadline<T: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    let answer = OnceAnswer<T>()
    return try await withCheckedThrowingContinuation { continuation in
        answer.set(continuation)
        let timer = Task {
            try? await Task.sleep(for: deadline)
            if !Task.isCancelled { answer.give(.failure(DeadlineExceeded(deadline: deadline))) }
        }
        Task {
            do {
                answer.give(.success(try await work()))
            } catch {
                answer.give(.failure(error))
            }
            timer.cancel()
        }
    }
}

/// A continuation resumed once, by whichever side answers first. Set before either side can
/// answer (inside `withCheckedThrowingContinuation`, before the tasks that answer are made).
final class OnceAnswer<T: Sendable>: Sendable {
    let continuation = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)

    func set(_ c: CheckedContinuation<T, any Error>) {
        continuation.withLockedValue { $0 = c }
    }

    /// Whether either side has answered.
    var isAnswered: Bool { continuation.withLockedValue { $0 == nil } }

    /// True when this call gave the answer.
    @discardableResult
    func give(_ result: Result<T, any Error>) -> Bool {
        let taken = continuation.withLockedValue { slot -> CheckedContinuation<T, any Error>? in
            defer { slot = nil }
            return slot
        }
        taken?.resume(with: result)
        return taken != nil
    }
}
