import DiscreetJSON
import DiscreetStore
import Foundation
import Hummingbird

/// The review queue of disclosures made under a legal exception (auditor). A second person reviews:
/// the key that invoked an exception cannot review it.
struct ExceptionController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exceptions", use: list)
        group.get("exceptions/{id}", use: get)
        group.post("exceptions/{id}/review", use: review)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        var status: ExceptionReview.Status?
        if let s = request.uri.queryParameters["status"] {
            guard let parsed = ExceptionReview.Status(rawValue: String(s)) else {
                throw Problem.invalidQuery("status", "pending, upheld or rejected")
            }
            status = parsed
        }
        let page = try PageRequest(request)
        let reviews = try await services.storeCall { try await services.store.exceptionReviews(status: status) }
            .sorted { $0.id < $1.id }
        let (shown, next) = page.page(reviews, key: \.id)
        return .json(["exceptions": .array(shown.map(\.json)), "next": next.map(JSONValue.string) ?? .null])
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let id = try context.parameters.id("id")
        let review = try await services.found("exception review") { try await services.store.exceptionReview(id: id) }
        return .json(review.json)
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.auditor)
        let id = try context.parameters.id("id")
        let (reviewer, verdict, comment) = try await request.decode(limit: services.configuration.maxBodyBytes) {
            body throws(JSONFieldError) in
            let r = try JSONObjectReader(body)
            try r.rejectUnknown(["reviewer", "verdict", "comment"])
            let v = try r.string("verdict")
            guard let verdict = ExceptionReview.Status(rawValue: v), verdict != .pending else {
                throw JSONFieldError(path: r.member("verdict"), message: "expected upheld or rejected")
            }
            return (try r.string("reviewer"), verdict, try r.string("comment"))
        }
        let existing = try await services.found("exception review") { try await services.store.exceptionReview(id: id) }
        guard existing.invokedBy != principal.keyID else {
            throw Problem(
                .forbidden, "self-review", title: "An exception is reviewed by someone else",
                detail: "This key invoked the exception; another auditor's key must review it.")
        }
        do {
            let reviewed = try await services.store.recordReview(
                id: id, verdict: verdict, reviewer: reviewer, comment: comment, by: principal.keyID, at: services.clock())
            return .json(reviewed.json)
        } catch ReviewRefusal.alreadyReviewed {
            throw Problem(
                .conflict, "already-reviewed", title: "Already reviewed",
                detail: "This exception has been reviewed; a verdict is final.")
        } catch ReviewRefusal.notFound {
            throw Problem.notFound("exception review")
        } catch {
            throw Problem.storeUnavailable
        }
    }
}
