import DiscreetStore
import Hummingbird

/// Gives each request one store budget (`StoreBudget`): its key lookup, its reads and its ledger
/// append together end within the store's deadline, so a stalled database answers 503 in time.
struct StoreBudgetMiddleware<Context: RequestContext>: RouterMiddleware {
    let deadline: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        try await StoreBudget.$current.withValue(StoreBudget(deadline)) { try await next(request, context) }
    }
}
