import Hummingbird
import Logging
import Synchronization

/// A real HTTP listener on loopback that takes signed POSTs at one path, as a webhook would, and
/// keeps what arrived: the alert and recall tests start it once the service has found it down.
final class WebhookReceiver: Sendable {
    struct Request: Sendable {
        var timestamp: String
        var signature: String
        var body: [UInt8]
    }

    let port: Int
    let path: String
    let requests = Mutex<[Request]>([])
    private let running = Mutex(false)

    init(port: Int, path: String) {
        self.port = port
        self.path = path
    }

    /// Runs the listener while `body` runs, answering 204 to each POST.
    func serving(_ body: () async throws -> Void) async throws {
        let router = Router()
        router.post(RouterPath(path)) { [self] request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let got = Request(
                timestamp: request.headers[.init("X-Discreet-Timestamp")!] ?? "",
                signature: request.headers[.init("X-Discreet-Signature")!] ?? "", body: Array(bytes.readableBytesView))
            requests.withLock { $0.append(got) }
            return .noContent
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { [self] _ in running.withLock { $0 = true } }, logger: Logger(label: "receiver"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            for _ in 0..<100 where !running.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
            try await body()
            group.cancelAll()
        }
    }
}
