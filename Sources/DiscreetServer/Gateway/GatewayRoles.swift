import DiscreetStore
import Hummingbird

/// The roles a route group admits, declared with the group rather than checked by each handler:
/// `/gateway` takes discloser keys, `/pull` provider keys (each handler then holds a provider to
/// its own routes, which only the route's definition can tell).
struct RoleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let admits: @Sendable (Role) -> Bool
    let named: [Role]

    static let discloser = RoleMiddleware(admits: { $0 == .discloser }, named: [.discloser])
    static let auditor = RoleMiddleware(admits: { $0 == .auditor }, named: [.auditor])
    static let anyProvider = RoleMiddleware(
        admits: {
            if case .provider = $0 { return true }
            return false
        }, named: [.provider("<id>")])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let principal = context.principal else { throw Problem.unauthorized }
        guard principal.roles.contains(where: admits) else { throw Problem.forbidden(allowed: named) }
        return try await next(request, context)
    }
}
