import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird

/// Subjects' tags and restrictions, and their consents (consent-manager).
struct SubjectController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("subjects/{id}", use: putSubject)
        group.get("subjects/{id}", use: getSubject)
        group.post("subjects/{id}/consents", use: grant)
        group.get("subjects/{id}/consents", use: list)
        group.post("subjects/{id}/consents/{cid}/withdraw", use: withdraw)
    }

    @Sendable func putSubject(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let id = try context.parameters.id("id")
        let subject = try await request.decode(limit: services.configuration.maxBodyBytes) { body throws(JSONFieldError) in
            try Subject(id: id, body: body)
        }
        let created = try await services.storeCall { try await services.store.putSubject(subject) }
        return .json(subject.json, status: created ? .created : .ok)
    }

    @Sendable func getSubject(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let id = try context.parameters.id("id")
        guard let subject = try await services.storeCall({ try await services.store.subject(id: id) }) else {
            throw Problem.notFound("subject")
        }
        return .json(subject.json)
    }

    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let consent = try await request.decode(limit: services.configuration.maxBodyBytes) { body throws(JSONFieldError) in
            try Consent(id: "cns-" + UUID().uuidString.lowercased(), subject: subjectID, body: body)
        }
        let bundle = try services.activePolicy().engine.bundle
        for p in consent.purposes.sorted() where bundle.purposes[p] == nil {
            throw Problem.unknownName("purpose", p, field: "/purposes", known: Array(bundle.purposes.keys))
        }
        for c in consent.categories where !bundle.categories.keys.contains(where: c.matches) {
            throw Problem.unknownName("category", c.text, field: "/categories", known: Array(bundle.categories.keys))
        }
        if consent.provider != Consent.anyProvider {
            let known = try await services.storeCall { try await services.store.provider(id: consent.provider) }
            if known == nil { throw Problem.unknownName("provider", consent.provider, field: "/provider", known: []) }
        }
        try await services.storeCall { try await services.store.insertConsent(consent) }
        return .json(consent.json(at: services.clock()), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let consents = try await services.storeCall { try await services.store.consents(subjectID: subjectID) }
        let now = services.clock()
        return .json(["subject": .string(subjectID), "consents": .array(consents.map { $0.json(at: now) })])
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let consentID = try context.parameters.id("cid")
        let now = services.clock()
        guard
            let consent = try await services.storeCall({
                try await services.store.withdrawConsent(subjectID: subjectID, consentID: consentID, at: now)
            })
        else { throw Problem.notFound("consent for this subject") }
        return .json(consent.json(at: now))
    }
}
