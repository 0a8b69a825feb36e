import NIOConcurrencyHelpers

/// The time one request's store calls share, counted from its first: a request that reads the
/// decision state, then appends to the ledger, is answered within the store's deadline as a
/// whole, not within a deadline per call (which would let two slow calls take twice as long).
/// Set for each request by the server (`StoreBudgetMiddleware`); outside a request (start-up,
/// the CLI, tests of a store alone) each call has the store's own deadline.
public final class StoreBudget: Sendable {
    @TaskLocal public static var current: StoreBudget?

    let total: Duration
    let started = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    public init(_ total: Duration) {
        self.total = total
    }

    /// What is left for the current request's next store call, at most `limit`; the clock starts
    /// at the request's first call. `limit` itself outside a request.
    public static func remaining(within limit: Duration) -> Duration {
        guard let budget = current else { return limit }
        let now = ContinuousClock.now
        let start = budget.started.withLockedValue { s in
            if s == nil { s = now }
            return s!
        }
        return max(.zero, min(limit, budget.total - (now - start)))
    }
}
