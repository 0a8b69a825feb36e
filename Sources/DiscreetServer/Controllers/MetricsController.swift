import Hummingbird

/// `GET /metrics` in the Prometheus text format. It is served on its own listener
/// (`--metrics-host`, `--metrics-port`), meant for an internal address, and needs no key.
struct MetricsController {
    let metrics: ServiceMetrics

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
