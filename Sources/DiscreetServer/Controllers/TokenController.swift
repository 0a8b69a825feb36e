import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Hummingbird

/// `GET /v1/tokens/{token}` (auditor, admin): which subject and field a token stands for, for the
/// professional to look up in its own systems. Never a provider's: a token is how a provider
/// refers to a person without knowing who it is. No value is held, so none is answered.
struct TokenController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("tokens/{token}", use: resolve)
    }

    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor, .admin)
        // A malformed token (unprintable, too long, not a token's form) is not looked up: it is
        // answered as an unknown one, never echoed.
        guard let text = context.parameters.get("token")?.removingPercentEncoding, Token.isWellFormed(text) else {
            throw Problem.notFound("token")
        }
        let record = try await services.found("token") { try await services.store.token(text) }
        var o = JSONObject([
            ("token", .string(record.token)), ("provider", .string(record.providerID)), ("subject", .string(record.subjectID)),
            ("field", .string(record.field)), ("issued_at", .string(RFC3339.format(record.issuedAt))),
        ])
        o["first_ledger_index"] = record.firstIndex.map { .number(String($0)) } ?? .null
        return .json(.object(o))
    }
}
