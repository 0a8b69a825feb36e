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
        group.post("subjects/{id}/erasure", use: erase)
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
        let subject = try await services.found("subject") { try await services.store.subject(id: id) }
        return .json(subject.json)
    }

    /// Records a consent only when it is whole and valid: every missing or invalid part, every name
    /// the policy does not know and every scope its regimes forbid is named in one 422.
    @Sendable func grant(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let body = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
        let now = services.clock()
        let bundle = try services.activePolicy().engine.bundle
        var registered = true
        if case .string(let provider)? = body.objectValue?["provider"], provider != Consent.anyProvider {
            registered = try await services.storeCall { try await services.store.provider(id: provider) } != nil
        }
        let consent: Consent
        switch Consent.grant(
            id: RecordID.make("cns-", at: now), subject: subjectID, body: body,
            rules: ConsentRules.forGrant(bundle: bundle, now: now, isRegistered: { _ in registered }))
        {
        case .failure(let e): throw Problem.invalidConsent(e.errors)
        case .success(let c): consent = c
        }
        let receipted = try await services.receipts.granting(consent, at: now)
        try await services.storeCall { try await services.store.insertConsent(receipted) }
        return .json(receipted.json(at: now), status: .created)
    }

    /// The subject's consents in force (or not yet in force); with `include=history`, every
    /// consent ever recorded, withdrawn and expired ones included.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let include = request.uri.queryParameters["include"]
        guard include == nil || include == "history" else { throw Problem.invalidQuery("include", "history") }
        let consents = try await services.storeCall { try await services.store.consents(subjectID: subjectID) }
        let now = services.clock()
        let page = try PageRequest(request)
        let listed = (include == "history" ? consents : consents.filter { [.active, .notYetValid].contains($0.status(at: now)) })
            .sorted { $0.id < $1.id }
        let (shown, next) = page.page(listed, key: \.id)
        return .json([
            "subject": .string(subjectID), "consents": .array(shown.map { $0.json(at: now) }),
            "next": next.map(JSONValue.string) ?? .null,
        ])
    }

    /// Withdraws by the consent's id or its grant receipt's id, effective for the very next
    /// decision, with a signed withdrawal receipt. Withdrawing again changes nothing.
    ///
    /// The withdrawal opens, in its own transaction, one recall per provider that received data
    /// on this consent (`RecallPlan`), then records each recall's opening in the ledger; should
    /// that append fail, the recall dispatcher appends it later. The answer lists the recalls.
    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let consentID = try context.parameters.id("cid")
        let now = services.clock()
        let what = "consent (by id or receipt id) for this subject"
        let found = try await services.found(what) {
            try await services.store.consent(subjectID: subjectID, idOrReceiptID: consentID)
        }
        guard found.withdrawnAt == nil else {
            return Self.withdrawal(found, recalls: try await recalls(of: found), at: now)
        }
        let withdrawn = try await services.receipts.withdrawing(found, at: now)
        let (stored, opened) = try await services.found(what) {
            try await services.store.withdraw(withdrawn) { entries, _ in
                RecallPlan.recalls(
                    ending: withdrawn.id, subjectID: subjectID, entries: entries, at: now,
                    makeID: { RecordID.make("rcl-", at: now) })
            }
        }
        // None opened: its expiry may have opened them already.
        let recalls = opened.isEmpty ? try await recalls(of: stored) : await services.recordOpening(opened)
        return Self.withdrawal(stored, recalls: recalls, at: now)
    }

    /// The recalls a consent's end opened, whether by its withdrawal or its expiry.
    func recalls(of consent: Consent) async throws -> [Recall] {
        try await services.storeCall { try await services.store.recalls(subjectID: consent.subject) }
            .filter { $0.consentID == consent.id }
    }

    /// The subject's data must be erased (GDPR art. 17): every provider that received anything
    /// about it is told, by a recall naming what it received (art. 19), except what an earlier
    /// erasure's recalls named already. The service's own records stay: the ledger is evidence,
    /// and names no value. Consents are not withdrawn by it; an erasure usually follows their
    /// withdrawal.
    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let subjectID = try context.parameters.id("id")
        let now = services.clock()
        let opened = try await services.storeCall {
            try await services.store.openRecalls(subjectID: subjectID) { entries, earlier in
                RecallPlan.recalls(
                    erasing: subjectID, entries: entries, earlier: earlier, at: now, makeID: { RecordID.make("rcl-", at: now) })
            }
        }
        let recalls = await services.recordOpening(opened)
        return .json(.object(JSONObject([("subject", .string(subjectID)), ("recalls", Self.summaries(recalls))])))
    }

    /// The consent as stored, with the recalls its withdrawal opened.
    static func withdrawal(_ consent: Consent, recalls: [Recall], at now: Date) -> Response {
        var o = consent.json(at: now).objectValue!
        o["recalls"] = summaries(recalls)
        return .json(.object(o))
    }

    static func summaries(_ recalls: [Recall]) -> JSONValue {
        .array(
            recalls.map { r in
                .object(
                    JSONObject([
                        ("id", .string(r.id)), ("provider", .string(r.providerID)), ("status", .string(r.status.rawValue)),
                        ("disclosures", .number(String(r.disclosures.count))),
                        ("opened_index", r.openedIndex.map { .number(String($0)) } ?? .null),
                    ]))
            })
    }
}
