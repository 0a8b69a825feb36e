import DiscreetJSON
import DiscreetStore
import Hummingbird

/// `POST /v1/trace` (auditor): a leaked file in (CSV, JSON, NDJSON or plain text, read as it
/// streams), a report out naming, per provider, how many of its values discreet gave that
/// provider, with the ledger entries and their inclusion proofs (`LeakTrace`).
struct TraceController {
    let services: DiscreetServices

    /// A leaked file may be large; its bytes are scanned, never kept.
    static let maxBytes = 1 << 30
    static let mediaTypes = ["text/csv", "application/json", "application/x-ndjson", "text/plain"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("trace", use: trace)
    }

    @Sendable func trace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        // The file's type must be named: a request naming none (no body at all) is refused rather
        // than traced as an empty file.
        guard let type = request.headers[.contentType]?.lowercased(),
            Self.mediaTypes.contains(where: { type.hasPrefix($0) })
        else {
            throw Problem.unsupportedMediaType(Self.mediaTypes.joined(separator: ", "))
        }
        do {
            // A file of a million rows takes longer than one request's store budget: each lookup
            // has the store's own deadline instead.
            return try await StoreBudget.$current.withValue(nil) {
                var trace = LeakTrace(store: services.store)
                var read = 0
                for try await buffer in request.body {
                    read += buffer.readableBytes
                    guard read <= Self.maxBytes else { throw Problem.bodyTooLarge(limit: Self.maxBytes) }
                    try await trace.feed(buffer.readableBytesView)
                }
                try await trace.finish()
                return .json(try await trace.report(verifier: services.ledgerKey, now: services.clock()))
            }
        } catch let damage as LeakTraceDamage {
            throw Problem.ledgerDamaged(index: damage.index)
        } catch let problem as Problem {
            throw problem
        } catch {
            services.metrics.recordLedgerFailure()
            throw Problem.storeUnavailable
        }
    }
}
