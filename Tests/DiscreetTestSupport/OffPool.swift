import Dispatch

/// Runs blocking work (a child process waited for, seconds of CPU without a suspension) on a
/// Dispatch thread, not on Swift's cooperative pool: on a two-core machine the pool has two
/// threads, and one held for seconds starves every other test's timers and store deadlines.
/// Blocks on `DispatchQueue.global()` do not hold the pool's threads.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
