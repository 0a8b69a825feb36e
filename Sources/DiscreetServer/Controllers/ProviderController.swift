import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Hummingbird

/// Providers and their agreements (admin). A provider key may read its own record, nothing else.
struct ProviderController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("providers", use: list)
        group.put("providers/{id}", use: put)
        group.get("providers/{id}", use: get)
        group.delete("providers/{id}", use: delete)
        group.post("providers/{id}/suspend") { request, context in try await setSuspended(request, context, true) }
        group.post("providers/{id}/resume") { request, context in try await setSuspended(request, context, false) }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let page = try PageRequest(request)
        let providers = try await services.storeCall { try await services.store.providers() }.sorted { $0.id < $1.id }
        let (shown, next) = page.page(providers, key: \.id)
        return .json(["providers": .array(shown.map(\.json)), "next": next.map(JSONValue.string) ?? .null])
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let id = try context.parameters.id("id")
        let provider = try await request.decode(limit: services.configuration.maxBodyBytes) { body throws(JSONFieldError) in
            try Provider(id: id, body: body)
        }
        if let bundle = services.policy.active?.engine.bundle {
            for (i, a) in provider.agreements.enumerated() {
                for p in a.purposes where bundle.purposes[p] == nil {
                    throw Problem.unknownName(
                        "purpose", field: "/agreements/\(i)/purposes", known: Array(bundle.purposes.keys))
                }
            }
            // Recalls through a gateway route: one of this provider's own egress routes.
            if case .route(let route, _)? = provider.recallWebhook {
                let own = bundle.gateway.values.filter { $0.provider == id && $0.direction == .egress }.map(\.id)
                guard own.contains(route) else {
                    throw Problem.unknownName("gateway route", field: "/recall_webhook/route", known: own)
                }
            }
        }
        let (stored, created) = try await services.storeCall {
            try await services.store.replaceProviderKeepingSuspension(provider, at: services.clock())
        }
        return .json(stored.json, status: created ? .created : .ok)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.id("id")
        try context.require(.admin, .provider(id))
        let provider = try await services.found("provider") { try await services.store.provider(id: id) }
        return .json(provider.json)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let id = try context.parameters.id("id")
        guard try await services.storeCall({ try await services.store.deleteProvider(id: id, at: services.clock()) }) else {
            throw Problem.notFound("provider")
        }
        return Response(status: .noContent)
    }

    func setSuspended(_ request: Request, _ context: AppRequestContext, _ suspended: Bool) async throws -> Response {
        try context.require(.admin)
        let id = try context.parameters.id("id")
        let provider = try await services.found("provider") {
            try await services.store.setSuspended(providerID: id, suspended, at: services.clock())
        }
        return .json(provider.json)
    }
}
