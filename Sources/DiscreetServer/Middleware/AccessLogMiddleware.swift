import Foundation
import Hummingbird
import Logging

/// One log line and one metric sample per request: method, matched route template, status and
/// duration. Never the body, the query or the concrete path, which may carry identifiers.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let nanoseconds = (ContinuousClock.now - start).nanoseconds
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(
            route: route, method: request.method.rawValue, status: Int(response.status.code), nanoseconds: nanoseconds)
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
                "ms": "\(Double(nanoseconds) / 1e6)",
            ])
        return response
    }
}
