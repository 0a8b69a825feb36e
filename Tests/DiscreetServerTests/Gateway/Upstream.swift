import DiscreetJSON
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on loopback standing for a provider's API or the professional's internal
/// one: it records every request it receives, headers and exact body bytes, and answers as told.
final class Upstream: Sendable {
    struct Received: Sendable {
        var method: String
        var path: String
        var headers: HTTPFields
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONParser.parse(body) }
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status = .created
        var body: [UInt8] = Array(#"{"accepted":true}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json", .setCookie: "provider-session=s3cr3t"]
        /// Seconds to wait before answering.
        var delay: Double = 0
    }

    let received = Mutex<[Received]>([])
    let answer: Mutex<Answer>
    let port = Mutex<Int?>(nil)

    init(answer: Answer = Answer()) { self.answer = Mutex(answer) }

    var requests: [Received] { received.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port.withLock { $0 }!)" }

    var application: some ApplicationProtocol {
        var logger = Logger(label: "upstream")
        logger.logLevel = .critical
        let router = Router()
        router.on("**", method: .post) { request, _ in try await self.respond(request) }
        router.on("**", method: .put) { request, _ in try await self.respond(request) }
        router.on("**", method: .patch) { request, _ in try await self.respond(request) }
        router.on("**", method: .get) { request, _ in try await self.respond(request) }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
    }

    func respond(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 24)
        received.withLock {
            $0.append(
                Received(
                    method: request.method.rawValue, path: request.uri.description, headers: request.headers,
                    body: Array(body.readableBytesView)))
        }
        let a = answer.withLock { $0 }
        if a.delay > 0 { try await Task.sleep(for: .milliseconds(Int(a.delay * 1000))) }
        return Response(status: a.status, headers: a.headers, body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
    }

    /// Runs `body` while every upstream listens on a port of its own.
    static func running<T: Sendable>(_ upstreams: [Upstream], _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            for u in upstreams {
                group.addTask {
                    try await u.application.run(); return nil
                }
            }
            for _ in 0..<250 where upstreams.contains(where: { $0.port.withLock { $0 } == nil }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }
}
