import DiscreetJSON
import DiscreetStore
import Hummingbird

/// Recalls opened when a consent is withdrawn: listed and read by admins and auditors, and by a
/// provider's own key for its own recalls (never naming the subject to it), and acknowledged by
/// that provider's key alone, which records the acknowledgement in the ledger.
struct RecallController {
    let services: DiscreetServices

    /// Admins and auditors see every recall; a provider's key its own.
    static let readers = RoleMiddleware(
        admits: {
            switch $0 {
            case .admin, .auditor, .provider: true
            default: false
            }
        }, named: [.admin, .auditor, .provider("<id>")])

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let recalls = group.group("recalls").add(middleware: Self.readers)
        recalls.get(use: list)
        recalls.get("{id}", use: get)
        recalls.post("{id}/acknowledge", use: acknowledge)
    }

    /// `?status=open|delivered|acknowledged`, paged by id.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        var status: Recall.Status?
        if let s = request.uri.queryParameters["status"] {
            guard let parsed = Recall.Status(rawValue: String(s)) else {
                throw Problem.invalidQuery("status", "one of open, delivered, acknowledged")
            }
            status = parsed
        }
        let page = try PageRequest(request)
        let own = Self.ownProvider(principal)
        // One more than the page, read after the cursor: `page` cuts it and says whether there is a next.
        let found = try await services.storeCall {
            try await services.store.recalls(status: status, providerID: own, after: page.after, limit: page.limit + 1)
        }
        let (shown, next) = page.page(found, key: \.id)
        return .json(
            .object(
                JSONObject([
                    ("recalls", .array(shown.map { Self.json($0, own: own) })),
                    ("next", next.map(JSONValue.string) ?? .null),
                ])))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let recall = try await found(context)
        let own = Self.ownProvider(principal)
        if let own, own != recall.providerID { throw Problem.forbidden(allowed: [.provider("<id>")]) }
        return .json(Self.json(recall, own: own))
    }

    /// Only the recall's provider, with its own key; acknowledging again changes nothing.
    @Sendable func acknowledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        guard principal.roles.contains(where: { if case .provider = $0 { true } else { false } }) else {
            throw Problem.forbidden(allowed: [.provider("<id>")])
        }
        let recall = try await found(context)
        guard principal.has(.provider(recall.providerID)) else { throw Problem.forbidden(allowed: [.provider("<id>")]) }
        guard recall.status != .acknowledged else { return .json(Self.json(recall, own: recall.providerID)) }
        let acknowledged = try await services.storeCall {
            try await services.record(.acknowledged, of: [recall], keyID: principal.keyID)
        }
        return .json(Self.json(acknowledged[0], own: recall.providerID))
    }

    /// The group's middleware admitted it already.
    static func principal(_ context: AppRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw Problem.unauthorized }
        return principal
    }

    func found(_ context: AppRequestContext) async throws -> Recall {
        let id = try context.parameters.id("id")
        return try await services.found("recall") { try await services.store.recall(id: id) }
    }

    /// The provider a key acts as when it holds no wider role; nil for admins and auditors.
    static func ownProvider(_ principal: Principal) -> String? {
        guard !principal.has(.admin), !principal.has(.auditor) else { return nil }
        for case .provider(let id) in principal.roles { return id }
        return nil
    }

    /// The recall as its reader may see it: a provider never sees the subject's id.
    static func json(_ recall: Recall, own: String?) -> JSONValue {
        var o = recall.json(showingSubject: own == nil).objectValue!
        if own == nil { o["delivery"] = recall.deliveryJSON }
        return .object(o)
    }
}
