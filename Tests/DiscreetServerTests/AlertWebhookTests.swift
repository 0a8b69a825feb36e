import Crypto
import DiscreetJSON
import DiscreetServer
import DiscreetTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// The alert outbox against a real HTTP listener that is down, then back.
@Suite struct AlertWebhookTests {
    final class Received: Sendable {
        let requests = Mutex<[(timestamp: String, signature: String, body: [UInt8])]>([])
        let running = Mutex(false)
    }

    @Test func anAlertWaitsForADownWebhookAndArrivesSignedWhenItIsBack() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(
                .post, "/v1/disclosures", as: "exception-officer", h, json: ExceptionReviewTests.emergency())
            #expect(r.status == .ok)
        }
        let port = TestPort.unused()
        let secret = SymmetricKey(data: Data("a webhook secret of some length".utf8))
        let dispatcher = AlertDispatcher(
            configuration: .init(url: "http://127.0.0.1:\(port)/alerts", secret: secret, baseBackoff: 10, timeout: .seconds(2)),
            outbox: h.store, clock: { h.clock.now }, logger: Logger(label: "test"))

        // Down: the attempt fails, the alert stays, and is not retried before its backoff.
        #expect(await dispatcher.deliverDue() == (0, 1))
        #expect(try await h.store.undeliveredAlertCount() == 1)
        #expect(await dispatcher.deliverDue() == (0, 0))

        // Back: a real listener on the same address.
        let received = Received()
        let router = Router()
        router.post("alerts") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 16)
            received.requests.withLock {
                $0.append(
                    (
                        request.headers[.init("X-Discreet-Timestamp")!] ?? "",
                        request.headers[.init("X-Discreet-Signature")!] ?? "", Array(body.readableBytesView)
                    ))
            }
            return .noContent
        }
        let receiver = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in received.running.withLock { $0 = true } }, logger: Logger(label: "receiver"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.run() }
            for _ in 0..<100 where !received.running.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
            h.advance(seconds: 11)
            #expect(await dispatcher.deliverDue() == (1, 0))
            group.cancelAll()
        }
        #expect(try await h.store.undeliveredAlertCount() == 0)
        let got = try #require(received.requests.withLock { $0 }.first)
        #expect(got.signature == "sha256=" + AlertDispatcher.signature(got.body, timestamp: got.timestamp, secret: secret))
        #expect(
            got.signature != "sha256="
                + AlertDispatcher.signature(got.body, timestamp: got.timestamp, secret: SymmetricKey(size: .bits256)))
        let alert = try JSONParser.parse(got.body)
        #expect(alert["type"] == "exception-invoked")
        #expect(alert["basis"] == "medical-emergency")
        // Delivered once: nothing more to send.
        #expect(await dispatcher.deliverDue() == (0, 0))
    }
}
