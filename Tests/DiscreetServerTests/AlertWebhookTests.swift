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
        let receiver = WebhookReceiver(port: port, path: "alerts")
        try await receiver.serving {
            h.advance(seconds: 11)
            #expect(await dispatcher.deliverDue() == (1, 0))
        }
        #expect(try await h.store.undeliveredAlertCount() == 0)
        let got = try #require(receiver.requests.withLock { $0 }.first)
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
