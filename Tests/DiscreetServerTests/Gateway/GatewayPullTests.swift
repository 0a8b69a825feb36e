import DiscreetJSON
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The pull gateway over real sockets: a provider fetches from the clinic's internal API (a real
/// server recording what it receives) and gets only what passed for it.
@Suite struct GatewayPullTests {
    @Test func aProviderGetsOnlyWhatPassedForItAndTheFetchIsRecorded() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            let r = try await client.gateway(
                .get, "/pull/fetch/patients/p-1?fields=all", as: "provider:facturo", h, body: [], contentType: nil)
            #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
            let fetched = try #require(f.ehr.requests.last)
            #expect(fetched.path == "/internal/patients/p-1?fields=all")
            #expect(fetched.headers[.authorization] == "Bearer \(GatewayFixture.ehrToken)")
            #expect(!"\(fetched.headers)".contains(h.keys["provider:facturo"]!))

            // The oracle: the disclosure API for facturo, billing, p-1 on the internal API's record.
            let oracle = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: [
                    "provider": "facturo", "purpose": "billing", "subject": "p-1", "record_type": "patient",
                    "record": Sample.record,
                ])
            #expect(r.body.json == oracle.body["released"])
            for withheld in ["lighthouses", "buprenorphine", "2840229123456"] { #expect(!r.body.contains(withheld)) }
            #expect(r.headers[.cacheControl] == "no-store")
            #expect(!"\(r.headers)".contains(GatewayFixture.ehrToken))

            let index = try #require(r.headers[HTTPField.Name("Discreet-Ledger-Index")!])
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            #expect(entry.body["entry"]?["provider"] == "facturo")
            #expect(entry.body["entry"]?["gateway"]?["route"] == "fetch")
            let spec = try OpenAPISpec.load()
            #expect(
                spec.check(
                    method: "GET", path: "/pull/{route}/{path}", status: 200, contentType: r.headers[.contentType],
                    body: r.body.json!)
                    == [])
        }
    }

    @Test func aProviderActsOnlyAsItself() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            // recouvra's key on facturo's route, a discloser's key, an admin's key: refused before any fetch.
            for role in ["provider:recouvra", "discloser", "admin"] {
                let r = try await client.gateway(.get, "/pull/fetch/patients/p-1", as: role, h, body: [], contentType: nil)
                #expect(r.status == .forbidden, "\(role)")
            }
            #expect(f.ehr.requests.isEmpty)
            // Its own route works; the identity is the key's, whatever the path says.
            let own = try await client.gateway(
                .get, "/pull/fetch-for-recouvra/patients/p-1", as: "provider:recouvra", h, body: [], contentType: nil)
            #expect(own.status == .ok)
            #expect(own.body.json?["diagnosis"] == nil)
            // A provider key reaches no admin, consent or disclosure route.
            for (method, uri) in [
                (HTTPRequest.Method.post, "/v1/disclosures"), (.get, "/v1/providers"), (.get, "/v1/subjects/p-1/consents"),
                (.put, "/v1/policy"), (.get, "/v1/subjects/p-1/disclosures"), (.post, "/gateway/collect/v1/claims"),
            ] {
                let r = try await client.gateway(method, uri, as: "provider:recouvra", h, body: Array("{}".utf8))
                #expect(r.status == .forbidden, "\(method) \(uri)")
            }
        }
    }

    @Test func anInternalAPIThatFailsDisclosesNothing() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            let answers: [(Upstream.Answer, HTTPResponse.Status, String)] = [
                (.init(status: .internalServerError, body: Array("{}".utf8)), .badGateway, "upstream-error"),
                (.init(status: .notFound, body: Array("{}".utf8)), .notFound, "not-found"),
                (
                    .init(status: .ok, body: Array("name: Ana".utf8), headers: [.contentType: "text/plain"]), .badGateway,
                    "upstream-error"
                ),
                (
                    .init(
                        status: .ok, body: Array(#"{"name":"Ana","name":"Bob"}"#.utf8),
                        headers: [.contentType: "application/json"]),
                    .badGateway, "upstream-error"
                ),
                (
                    .init(status: .ok, body: Array("[1,2]".utf8), headers: [.contentType: "application/json"]), .badGateway,
                    "upstream-error"
                ),
            ]
            for (answer, status, type) in answers {
                f.ehr.answer.withLock { $0 = answer }
                let r = try await client.gateway(
                    .get, "/pull/fetch/patients/p-1", as: "provider:facturo", h, body: [], contentType: nil)
                #expect(r.status == status, "\(answer.status)")
                #expect(r.body.json?["type"] == .string("urn:discreet:problem:" + type))
                #expect(!r.body.contains("Ana"))
            }
            #expect(try await h.store.entryCount() == 0)
        }
    }

    @Test func whenTheLedgerCannotBeWrittenTheProviderGetsNothing() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            try await LedgerBreaker.breakLedger(h)
            let r = try await client.gateway(
                .get, "/pull/fetch/patients/p-1", as: "provider:facturo", h, body: [], contentType: nil)
            #expect(r.status == .serviceUnavailable)
            #expect(r.body.json?["type"] == "urn:discreet:problem:ledger-unavailable")
            for value in Sample.values { #expect(!r.body.contains(value)) }
        }
    }
}
