import DiscreetJSON
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Routes whose provider knows subjects only by its own token (`subject: { …, as: token }`), over
/// real sockets: egress sends the token wherever the id was (body, each record, path, header),
/// a pull names the subject by token and the internal API is asked by id, and neither side ever
/// sees what the other knows the person by.
@Suite struct GatewaySubjectTokenTests {
    static let routes = """
            collect-anon:
              provider: recouvra
              purpose: debt-collection
              record-type: patient
              match: { method: POST, path: /v1/anon/claims }
              subject: { pointer: /subject, as: token }
              record: { pointer: /patient }
              upstream: { url: "{recouvra}/api", auth: { bearer: recouvra-token }, timeout: 5 }
            collect-anon-path:
              provider: recouvra
              purpose: debt-collection
              record-type: patient
              match: { method: PUT, path: "/v1/anon/accounts/{account}" }
              subject: { path-parameter: account, as: token }
              record: { pointer: /items/* }
              upstream: { url: "{recouvra}/api", auth: { bearer: recouvra-token }, timeout: 5 }
            bill-anon:
              provider: facturo
              purpose: billing
              record-type: patient
              match: { method: POST, path: /anon/invoices }
              subject: { header: X-Subject-Id, as: token }
              record: { pointer: "" }
              upstream: { url: "{facturo}", auth: { header: X-Api-Key, secret: facturo-key }, timeout: 5 }
            bill-anon-batch:
              provider: facturo
              purpose: billing
              record-type: patient
              match: { method: POST, path: /anon/invoices/batch }
              subject: { pointer: /items/*/subject, as: token }
              record: { pointer: /items/* }
              upstream: { url: "{facturo}", auth: { header: X-Api-Key, secret: facturo-key }, timeout: 5 }
            fetch-anon:
              direction: pull
              provider: recouvra
              purpose: debt-collection
              record-type: patient
              match: { method: GET, path: "/accounts/{account}" }
              subject: { path-parameter: account, as: token }
              record: { pointer: "" }
              upstream: { url: "{ehr}/internal", auth: { bearer: ehr-token }, timeout: 5 }
            fetch-anon-header:
              direction: pull
              provider: recouvra
              purpose: debt-collection
              record-type: patient
              match: { method: GET, path: /account }
              subject: { header: X-Account, as: token }
              record: { pointer: "" }
              upstream: { url: "{ehr}/internal", auth: { bearer: ehr-token }, timeout: 5 }
            fetch-anon-facturo:
              direction: pull
              provider: facturo
              purpose: billing
              record-type: patient
              match: { method: GET, path: "/accounts/{account}" }
              subject: { path-parameter: account, as: token }
              record: { pointer: "" }
              upstream: { url: "{ehr}/internal", auth: { bearer: ehr-token }, timeout: 5 }

        """

    static var record: JSONValue {
        var r = Sample.record.objectValue!
        r["account_number"] = "FR76 3000 6000 0112 3456 7890 189"
        return .object(r)
    }

    static func isToken(_ value: JSONValue?) -> Bool {
        guard let s = value?.stringValue else { return false }
        return s.hasPrefix("tok_") && s.utf8.count == 30
    }

    /// Sends one claim for `subject` on `collect-anon` and returns the subject token recouvra got.
    static func claim(_ client: some TestClientProtocol, _ f: GatewayFixture, _ subject: String) async throws -> String {
        let body: JSONValue = ["subject": .string(subject), "patient": record]
        let r = try await client.gateway(
            .post, "/gateway/collect-anon/v1/anon/claims", as: "discloser", f.harness, body: JSONWriter.encode(body))
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        let sent = try #require(f.recouvra.requests.last)
        #expect(!sent.text.contains(subject))
        let token = try #require(sent.json?["subject"])
        #expect(isToken(token))
        return token.stringValue!
    }

    @Test func egressSendsTheProvidersTokenWhereTheIdWasStableAndUnlinkable() async throws {
        let f = try await GatewayFixture(extraRoutes: Self.routes)
        let h = f.harness
        try await f.run { client in
            // The body's subject: recouvra gets a token, the same one each time, another for another person.
            let first = try await Self.claim(client, f, "p-1")
            #expect(try await Self.claim(client, f, "p-1") == first)
            let other = try await Self.claim(client, f, "p-2")
            #expect(other != first)
            // The account number is tokenized too, by its own token: not the subject's.
            let sent = try #require(f.recouvra.requests.last?.json)
            #expect(Self.isToken(sent["patient"]?["account_number"]))
            #expect(sent["patient"]?["account_number"]?.stringValue != other)

            // The path: the id in the upstream path is the same token.
            let batch: JSONValue = ["items": [Self.record]]
            let put = try await client.gateway(
                .put, "/gateway/collect-anon-path/v1/anon/accounts/p-1", as: "discloser", h, body: JSONWriter.encode(batch))
            #expect(put.status == .created)
            #expect(f.recouvra.requests.last?.path == "/api/v1/anon/accounts/\(first)")

            // Another provider: its own tokens, never recouvra's, in a header and in each record.
            let bill = try await client.gateway(
                .post, "/gateway/bill-anon/anon/invoices", as: "discloser", h, body: JSONWriter.encode(Self.record),
                headers: [HTTPField.Name("X-Subject-Id")!: "p-1"])
            #expect(bill.status == .created)
            let billed = try #require(f.facturo.requests.last)
            let facturoP1 = try #require(billed.headers[HTTPField.Name("X-Subject-Id")!])
            #expect(Self.isToken(.string(facturoP1)))
            #expect(facturoP1 != first)
            let many: JSONValue = [
                "items": [
                    ["subject": "p-2", "name": "A B"], ["subject": "p-1", "name": "C D"], ["subject": "p-2", "name": "E F"],
                ]
            ]
            let r = try await client.gateway(
                .post, "/gateway/bill-anon-batch/anon/invoices/batch", as: "discloser", h, body: JSONWriter.encode(many))
            #expect(r.status == .created)
            let items = try #require(f.facturo.requests.last?.json?["items"]?.arrayValue)
            #expect(items.count == 3)
            #expect(items[1]["subject"]?.stringValue == facturoP1)
            #expect(items[0]["subject"] == items[2]["subject"])
            #expect(Self.isToken(items[0]["subject"]) && items[0]["subject"]?.stringValue != other)
            let batchText = try #require(f.facturo.requests.last?.text)
            #expect(!batchText.contains("p-"))

            // The entry records the token that left; the token resolves to the subject, for the auditor.
            let index = try #require(bill.headers[HTTPField.Name("Discreet-Ledger-Index")!])
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            #expect(entry.body["entry"]?["subject"] == "p-1")
            #expect(entry.body["entry"]?["subject_token"]?.stringValue == facturoP1)
            let resolved = try await client.call(.get, "/v1/tokens/\(facturoP1)", as: "auditor", h)
            #expect(resolved.body["subject"] == "p-1")
            #expect(resolved.body["provider"] == "facturo")
            #expect(resolved.body["field"] == "@subject")
            #expect(resolved.body["first_ledger_index"] == .number(index))
        }
    }

    @Test func aProviderPullsByItsOwnTokenAndTheInternalAPINeverSeesIt() async throws {
        let f = try await GatewayFixture(extraRoutes: Self.routes)
        let h = f.harness
        try await f.run { client in
            let token = try await Self.claim(client, f, "p-1")
            let accountToken = try #require(f.recouvra.requests.last?.json?["patient"]?["account_number"]?.stringValue)
            // By the subject's token, and by the token of a field it was given: both are p-1.
            for presented in [token, accountToken] {
                let r = try await client.gateway(
                    .get, "/pull/fetch-anon/accounts/\(presented)", as: "provider:recouvra", h, body: [], contentType: nil)
                #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
                let asked = try #require(f.ehr.requests.last)
                #expect(asked.path == "/internal/accounts/p-1")
                #expect(!"\(asked.headers)".contains("tok_"))
                let index = try #require(r.headers[HTTPField.Name("Discreet-Ledger-Index")!])
                let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
                #expect(entry.body["entry"]?["subject"] == "p-1")
                #expect(entry.body["entry"]?["gateway"]?["route"] == "fetch-anon")
            }
            // By header: the internal API gets the id in that header.
            let byHeader = try await client.gateway(
                .get, "/pull/fetch-anon-header/account", as: "provider:recouvra", h, body: [],
                headers: [HTTPField.Name("X-Account")!: token], contentType: nil)
            #expect(byHeader.status == .ok)
            #expect(f.ehr.requests.last?.headers[HTTPField.Name("X-Account")!] == "p-1")
        }
    }

    @Test func anotherProvidersTokenIsAnsweredAsAnUnknownOne() async throws {
        let f = try await GatewayFixture(extraRoutes: Self.routes)
        let h = f.harness
        try await f.run { client in
            let recouvras = try await Self.claim(client, f, "p-1")
            let asked = f.ehr.requests.count
            // recouvra's token on facturo's route, an unknown token, a malformed one, an id: one answer for all.
            var answers: [[UInt8]] = []
            for presented in [recouvras, "tok_aaaaaaaaaaaaaaaaaaaaaaaaaa", "tok_Zelda", "p-1"] {
                let r = try await client.gateway(
                    .get, "/pull/fetch-anon-facturo/accounts/\(presented)", as: "provider:facturo", h, body: [],
                    contentType: nil)
                #expect(r.status == .notFound, "\(presented)")
                #expect(!r.body.contains(presented))
                answers.append(r.body)
            }
            #expect(Set(answers).count == 1)
            // A header route with no header at all is answered alike.
            let none = try await client.gateway(
                .get, "/pull/fetch-anon-header/account", as: "provider:recouvra", h, body: [], contentType: nil)
            #expect(none.status == .notFound)
            #expect(none.body == answers[0])
            #expect(f.ehr.requests.count == asked)
        }
    }

    @Test func aLeakedFileOfSubjectTokensIsTracedToItsProvider() async throws {
        let f = try await GatewayFixture(extraRoutes: Self.routes)
        let h = f.harness
        try await f.run { client in
            let p1 = try await Self.claim(client, f, "p-1")
            let p2 = try await Self.claim(client, f, "p-2")
            let r = try await client.call(
                .post, "/v1/trace", as: "auditor", h, raw: "debtor,amount\n\(p1),10\n\(p2),20\n", contentType: "text/csv")
            #expect(r.status == .ok)
            let providers = try #require(r.body["providers"]?.arrayValue)
            #expect(providers.count == 1)
            #expect(providers.first?["provider"] == "recouvra")
            #expect(providers.first?["tokens"] == 2)
            #expect(providers.first?["subjects"] == ["p-1", "p-2"])
            #expect(providers.first?["proofs"]?.arrayValue?.count == 2)
        }
    }
}
