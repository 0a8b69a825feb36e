import Hummingbird
import Logging

/// Turns every error into an RFC 9457 answer. A `Problem` speaks for itself; the framework's own
/// errors (no route, body too large: any `HTTPResponseError`) keep their status and get a stable problem; anything else is logged by type
/// only, never with the request's content, and answered with a generic problem.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    /// Path template segments and their methods, to answer 405 (with `Allow`) rather than 404
    /// when the path exists but not the method.
    var routes: [(segments: [Substring], methods: Set<String>)] = []

    init(maxBodyBytes: Int, routes: [(path: String, method: String)] = []) {
        self.maxBodyBytes = maxBodyBytes
        var byPath: [String: Set<String>] = [:]
        for r in routes { byPath[r.path, default: []].insert(r.method) }
        self.routes = byPath.map { ($0.key.split(separator: "/"), $0.value) }
    }

    func allowedMethods(_ path: String) -> Set<String>? {
        let parts = path.split(separator: "/")
        for r in routes where r.segments.count == parts.count {
            if zip(r.segments, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return r.methods }
        }
        return nil
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            // The framework's own errors (HTTPError, NIOTooManyBytesError, ...): keep the status,
            // speak problem+json.
            let problem: Problem =
                switch error.status {
                case .notFound:
                    if let allowed = allowedMethods(request.uri.path), !allowed.contains(request.method.rawValue) {
                        Problem(
                            .methodNotAllowed, "method-not-allowed", title: "Method not allowed",
                            detail: "This path answers \(allowed.sorted().joined(separator: ", ")).",
                            headers: [.allow: allowed.sorted().joined(separator: ", ")])
                    } else {
                        .routeNotFound
                    }
                case .contentTooLarge: .bodyTooLarge(limit: maxBodyBytes)
                case .methodNotAllowed:
                    Problem(
                        .methodNotAllowed, "method-not-allowed", title: "Method not allowed",
                        detail: "See openapi.yaml for the API.")
                default:
                    Problem(
                        error.status, "http-error", title: error.status.reasonPhrase,
                        detail: "The request could not be served as sent.")
                }
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return try Problem.internalError.response(from: request, context: context)
        }
    }
}
