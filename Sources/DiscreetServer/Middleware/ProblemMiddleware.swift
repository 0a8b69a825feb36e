import Hummingbird
import Logging

/// Turns every error into an RFC 9457 answer. A `Problem` speaks for itself; the framework's own
/// errors (no route, body too large: any `HTTPResponseError`) keep their status and get a stable problem; anything else is logged by type
/// only, never with the request's content, and answered with a generic problem.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

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
                case .notFound: .routeNotFound
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
