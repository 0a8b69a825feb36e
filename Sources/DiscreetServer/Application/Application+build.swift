import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Builds the router: every route, with problem+json errors, access logs and key authentication.
/// `main` and the tests both call this, so what the tests exercise is what runs.
public func buildRouter(_ services: DiscreetServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: AccessLogMiddleware(metrics: services.metrics))
    router.add(middleware: StoreBudgetMiddleware(deadline: services.configuration.storeDeadline))
    router.add(
        middleware: ProblemMiddleware(
            maxBodyBytes: services.configuration.maxBodyBytes, routes: routeTable { addRoutes(to: $0, services) }))
    addRoutes(to: router, services)
    return router
}

/// The routes `addRoutes` registers (on a scratch router, without middleware): the table a problem
/// middleware answers 405 with `Allow` from. It must exist before the routes it guards are added.
func routeTable(_ addRoutes: (Router<AppRequestContext>) -> Void) -> [(path: String, method: String)] {
    let router = Router(context: AppRequestContext.self)
    addRoutes(router)
    return router.routes.map { ("\($0.path)", $0.method.rawValue) }
}

func addRoutes(to router: Router<AppRequestContext>, _ services: DiscreetServices) {
    HealthController(services: services).addRoutes(to: router)
    LedgerController.addWellKnown(to: router, services)
    let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(keys: services.store))
    PolicyController(services: services).addRoutes(to: v1)
    ProviderController(services: services).addRoutes(to: v1)
    SubjectController(services: services).addRoutes(to: v1)
    DisclosureController(services: services).addRoutes(to: v1)
    LedgerController(services: services).addRoutes(to: v1)
    ExceptionController(services: services).addRoutes(to: v1)
    ConsentImportController(services: services).addRoutes(to: v1)
    TokenController(services: services).addRoutes(to: v1)
    TraceController(services: services).addRoutes(to: v1)
    BatchController(services: services).addRoutes(to: v1)
    RecallController(services: services).addRoutes(to: v1)
    GatewayController(services: services).addRoutes(to: router)
    TileController(services: services).addRoutes(to: router)
}

/// Builds the application: the router behind an HTTP/1.1 server, over TLS when configured, with
/// the configured limits on header time, idle time and connection count. Throws when a TLS file
/// cannot be read.
public func buildApplication(_ services: DiscreetServices, logger: Logger) throws -> some ApplicationProtocol {
    let config = services.configuration
    let headerTimeout = TimeAmount.seconds(Int64(config.headerTimeoutSeconds))
    var server = HTTPServerBuilder.http1(
        configuration: .init(
            additionalChannelHandlers: [RequestHeadTimeoutHandler(timeout: headerTimeout)],
            idleTimeout: .seconds(Int64(config.idleTimeoutSeconds))))
    if let tls = config.tls { server = try .tls(server, tlsConfiguration: try ListenerTLS.configuration(tls)) }
    return Application(
        router: buildRouter(services),
        server: server,
        configuration: .init(
            address: .hostname(config.host, port: config.port), serverName: "discreet",
            availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections)),
        logger: logger)
}

/// The metrics listener: `GET /metrics` alone, for an internal address.
public func buildMetricsRouter(_ services: DiscreetServices) -> Router<AppRequestContext> {
    let addRoutes = { (router: Router<AppRequestContext>) in MetricsController(metrics: services.metrics).addRoutes(to: router) }
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware(maxBodyBytes: services.configuration.maxBodyBytes, routes: routeTable(addRoutes)))
    addRoutes(router)
    return router
}

/// The metrics application, run beside the main one.
public func buildMetricsApplication(_ services: DiscreetServices, host: String, port: Int, logger: Logger)
    -> some ApplicationProtocol
{
    Application(
        router: buildMetricsRouter(services),
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(services.configuration.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(host, port: port), serverName: "discreet-metrics"),
        logger: logger)
}
