import DiscreetStore
import Hummingbird

/// Resolves `Authorization: Bearer <key>` to a principal. A missing, malformed or unknown key is
/// refused with 401 before any route runs; roles are checked by each route.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: any KeyStore
    let cache = KeyCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        // Already authenticated by a client certificate (pull routes only).
        if context.principal != nil { return try await next(request, context) }
        guard let header = request.headers[.authorization], let key = APIKeys.bearerToken(header),
            let id = APIKeys.keyID(of: key)
        else { throw Problem.unauthorized }
        let record: APIKeyRecord?
        do {
            record = try await cache.record(id: id) { try await keys.key(id: id) }
        } catch {
            throw Problem.storeUnavailable
        }
        guard let record, APIKeys.matches(key, record) else { throw Problem.unauthorized }
        var context = context
        context.principal = Principal(keyID: record.id, roles: record.roles)
        return try await next(request, context)
    }
}
