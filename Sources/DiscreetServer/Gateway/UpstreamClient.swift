import AsyncHTTPClient
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The HTTP client the gateway reaches upstreams with: a pool of kept-alive connections per
/// upstream, at most `connectionsPerUpstream` of them at once (further requests wait for one), no
/// redirect followed (a redirect could lead a body where no route sends it), no decompression
/// (bodies pass as sent), no cookie kept, nothing cached.
///
/// As a `Service` it closes its connections when the service shuts down.
public final class UpstreamClient: Service, Sendable {
    public let client: HTTPClient
    public let connectionsPerUpstream: Int

    public init(connectionsPerUpstream: Int = 64) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerUpstream)
        // HTTP/1.1 keeps the per-upstream limit a count of connections and of requests in flight.
        configuration.httpVersion = .http1Only
        self.connectionsPerUpstream = connectionsPerUpstream
        client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
    }

    /// One client for the whole process where nobody shuts it down (tests, tools).
    public static let shared = UpstreamClient()

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
