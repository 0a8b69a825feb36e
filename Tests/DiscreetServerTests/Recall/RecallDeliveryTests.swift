import Crypto
import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import DiscreetTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import DiscreetServer

/// Recalls reach the provider's webhook over real HTTP: retried while it is down, signed with the
/// secret the provider document names, recorded in the ledger once delivered; without a webhook
/// they wait in the manual queue.
@Suite struct RecallDeliveryTests {
    static let secretText = "a recall secret of some length"

    static func harness() async throws -> Harness {
        try await Harness(
            upstreamSecrets: UpstreamSecrets(
                directory: nil, environment: [UpstreamSecrets.variable(for: "facturo-recalls"): secretText]))
    }

    /// facturo's document, with its recall webhook on `port`.
    static func facturo(port: Int) -> JSONValue {
        [
            "kind": "service-provider",
            "agreements": [
                [
                    "id": "facturo-baa", "type": "BAA", "purposes": ["billing"], "categories": ["*"],
                    "valid_from": "2025-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z",
                ]
            ],
            "recall_webhook": ["url": .string("http://127.0.0.1:\(port)/recalls"), "secret": "facturo-recalls"],
        ]
    }

    @Test func aRecallWaitsForADownWebhookAndArrivesSignedWhenItIsBack() async throws {
        let h = try await Self.harness()
        let port = TestPort.unused()
        let opened = Mutex("")
        try await h.test { client in
            let put = try await client.call(.put, "/v1/providers/facturo", as: "admin", h, json: Self.facturo(port: port))
            #expect(put.status == .ok)
            #expect(put.body["recall_webhook"]?["secret"] == "facturo-recalls")
            let made = try await RecallTests.disclose(client, h)
            let w = try await client.call(.post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            let id = try #require(w.body["recalls"]?[0]?["id"]?.stringValue)
            opened.withLock { $0 = id }
        }
        let recallID = opened.withLock { $0 }
        let dispatcher = RecallDispatcher(
            configuration: .init(baseBackoff: 10, timeout: .seconds(2)), services: h.services, logger: Logger(label: "test"))

        // Down: the attempt fails, the recall stays open, and is not tried again before its backoff.
        #expect(await dispatcher.deliverDue() == .init(failed: 1))
        var recall = try #require(try await h.store.recall(id: recallID))
        #expect(recall.status == .open)
        #expect(recall.attempts == 1)
        #expect(recall.lastError != nil)
        #expect(await dispatcher.deliverDue() == .init())
        h.advance(seconds: 11)
        #expect(await dispatcher.deliverDue() == .init(failed: 1))
        recall = try #require(try await h.store.recall(id: recallID))
        #expect(recall.attempts == 2)

        // Back: a real listener on the same address; the second backoff is 20 s.
        let receiver = WebhookReceiver(port: port, path: "recalls")
        try await receiver.serving {
            h.advance(seconds: 11)
            #expect(await dispatcher.deliverDue() == .init())
            h.advance(seconds: 10)
            #expect(await dispatcher.deliverDue() == .init(delivered: 1))
        }
        recall = try #require(try await h.store.recall(id: recallID))
        #expect(recall.status == .delivered)
        let deliveredIndex = try #require(recall.deliveredIndex)
        let entry = try #require(try await h.store.entry(index: deliveredIndex))
        let object = try JSONParser.parse(entry.entry)
        #expect(object["recall"]?["step"] == "delivered")

        let got = try #require(receiver.requests.withLock { $0 }.first)
        let key = SymmetricKey(data: Array(Self.secretText.utf8))
        #expect(got.signature == "sha256=" + AlertDispatcher.signature(got.body, timestamp: got.timestamp, secret: key))
        let body = try JSONParser.parse(got.body)
        #expect(body["id"] == .string(recallID))
        #expect(body["provider"] == "facturo")
        #expect(body["acknowledge"] == .string("/v1/recalls/\(recallID)/acknowledge"))
        // Never the subject's id: the provider finds the data by the disclosures and its tokens.
        #expect(body["subject"] == nil)
        #expect(!String(decoding: got.body, as: UTF8.self).contains("p-9"))
        #expect(body["disclosures"]?[0]?["tokens"]?["account_number"] != nil)
        // Delivered once: nothing more to send.
        h.advance(seconds: 600)
        #expect(await dispatcher.deliverDue() == .init())
        #expect(receiver.requests.withLock { $0.count } == 1)
    }

    @Test func withoutAWebhookARecallWaitsInTheManualQueue() async throws {
        let h = try await Self.harness()
        let opened = Mutex("")
        try await h.test { client in
            let made = try await RecallTests.disclose(client, h)
            let w = try await client.call(.post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            let id = try #require(w.body["recalls"]?[0]?["id"]?.stringValue)
            opened.withLock { $0 = id }
        }
        let recallID = opened.withLock { $0 }
        let dispatcher = RecallDispatcher(services: h.services, logger: Logger(label: "test"))
        #expect(await dispatcher.deliverDue() == .init(manual: 1))
        #expect(await dispatcher.deliverDue() == .init())
        let recall = try #require(try await h.store.recall(id: recallID))
        #expect(recall.status == .open)
        #expect(recall.lastError?.contains("manual queue") == true)
        try await h.test { client in
            let queue = try await client.call(.get, "/v1/recalls?status=open", as: "admin", h)
            #expect(queue.body["recalls"]?.arrayValue?.map { $0["id"] } == [.string(recallID)])
            #expect(queue.body["recalls"]?[0]?["delivery"]?["last_error"]?.stringValue?.contains("manual queue") == true)
        }
    }

    @Test func aRecallWhoseOpeningWasNotRecordedGetsItsEntryLate() async throws {
        let h = try await Self.harness()
        let consentID = Mutex("")
        try await h.test { client in
            let made = try await RecallTests.disclose(client, h)
            consentID.withLock { $0 = made.consent }
        }
        // The withdrawal committed; the service stopped before its opened entries.
        var consent = try #require(try await h.store.consent(subjectID: "p-9", idOrReceiptID: consentID.withLock { $0 }))
        consent.withdrawnAt = h.clock.now
        let withdrawn = consent
        let now = h.clock.now
        let result = try #require(
            try await h.store.withdraw(withdrawn) { entries, _ in
                RecallPlan.recalls(
                    ending: withdrawn.id, subjectID: "p-9", entries: entries, at: now, makeID: { "rcl-late" })
            })
        #expect(result.recalls.count == 1)
        let id = result.recalls[0].id
        let dispatcher = RecallDispatcher(
            configuration: .init(openedGrace: 30), services: h.services, logger: Logger(label: "test"))
        // Not before the grace: the withdrawal's own request may still be appending it.
        #expect(await dispatcher.deliverDue().openedLate == 0)
        h.advance(seconds: 31)
        #expect(await dispatcher.deliverDue() == .init(manual: 1, openedLate: 1))
        let recall = try #require(try await h.store.recall(id: id))
        let index = try #require(recall.openedIndex)
        let entry = try JSONParser.parse(try #require(try await h.store.entry(index: index)).entry)
        #expect(entry["recall"]?["step"] == "opened")
        #expect(await dispatcher.deliverDue().openedLate == 0)
    }
}

/// A recall through the provider's gateway route: POSTed under the route's upstream with the
/// credential the route holds; a route that is not the provider's own egress route is refused.
@Suite struct RecallThroughRouteTests {
    @Test func aRecallGoesThroughTheProvidersRouteWithItsCredential() async throws {
        let fixture = try await GatewayFixture()
        let h = fixture.harness
        try await fixture.prepared {
            let recallID = Mutex("")
            try await h.test { client in
                var facturo = RecallDeliveryTests.facturo(port: 1).objectValue!
                // Not its own route, a pull route, no such route: each refused, naming the field.
                for route in ["collect", "fetch-batch", "nowhere"] {
                    facturo["recall_webhook"] = ["route": .string(route), "path": "/recalls"]
                    let refused = try await client.call(.put, "/v1/providers/facturo", as: "admin", h, json: .object(facturo))
                    #expect(refused.status == .unprocessableContent, "\(route)")
                    #expect(refused.body["type"] == "urn:discreet:problem:unknown-gateway-route")
                    #expect(refused.body["field"] == "/recall_webhook/route")
                }
                facturo["recall_webhook"] = ["route": "bill", "path": "/recalls", "secret": "x"]
                let mixed = try await client.call(.put, "/v1/providers/facturo", as: "admin", h, json: .object(facturo))
                #expect(mixed.status == .unprocessableContent)
                #expect(mixed.body["field"] == "/recall_webhook/secret")
                facturo["recall_webhook"] = ["route": "bill", "path": "/recalls"]
                let put = try await client.call(.put, "/v1/providers/facturo", as: "admin", h, json: .object(facturo))
                #expect(put.status == .ok)
                #expect(put.body["recall_webhook"] == ["route": "bill", "path": "/recalls"])
                let made = try await RecallTests.disclose(client, h)
                let w = try await client.call(
                    .post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
                let id = try #require(w.body["recalls"]?[0]?["id"]?.stringValue)
                recallID.withLock { $0 = id }
            }
            let dispatcher = RecallDispatcher(services: h.services, logger: Logger(label: "test"))
            #expect(await dispatcher.deliverDue() == .init(delivered: 1))
            let id = recallID.withLock { $0 }
            #expect(try await h.store.recall(id: id)?.status == .delivered)
            let got = try #require(fixture.facturo.requests.last)
            #expect(got.method == "POST")
            #expect(got.path == "/recalls")
            #expect(got.headers[HTTPField.Name("X-Api-Key")!] == GatewayFixture.facturoKey)
            #expect(got.headers[HTTPField.Name("X-Discreet-Signature")!] == nil)
            #expect(got.json?["id"] == .string(id))
            #expect(!got.text.contains("p-9"))
        }
    }
}
