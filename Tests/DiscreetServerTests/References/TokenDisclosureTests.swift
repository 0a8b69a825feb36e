import DiscreetJSON
import DiscreetStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DiscreetServer

/// `tokenize` on the API: a random token per provider, subject and field, stable for that triple,
/// unrelated across providers and subjects, recorded in the ledger (it is not a value) and
/// resolvable by the professional's auditor or admin, never by a provider.
@Suite struct TokenDisclosureTests {
    static func disclosure(provider: String, purpose: String, subject: String, account: String) -> JSONValue {
        var body = Sample.disclosure(provider: provider, purpose: purpose, subject: subject).objectValue!
        body["record"] = ["name": "Zelda Quixote-Marsh", "account_number": .string(account)]
        return .object(body)
    }

    static func token(_ r: (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields)) -> String? {
        r.body["released"]?["account_number"]?.stringValue
    }

    @Test func aTokenIsStablePerProviderSubjectAndFieldAndUnlinkableAcrossThem() async throws {
        let h = try await Harness()
        try await h.test { client in
            let first = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-1", account: "FR76-1"))
            #expect(first.status == .ok)
            let t1 = try #require(Self.token(first))
            #expect(Token.isWellFormed(t1))
            // The value changes; the token, which stands for the subject's field, does not.
            let again = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-1", account: "FR76-2"))
            #expect(Self.token(again) == t1)
            let other = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "facturo", purpose: "billing", subject: "p-1", account: "FR76-1"))
            let t2 = try #require(Self.token(other))
            #expect(t2 != t1)
            let otherSubject = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-9", account: "FR76-1"))
            #expect(Self.token(otherSubject) != t1)
            #expect(Self.token(otherSubject) != t2)

            // The decision names the transform and the token; the entry records the token, never the value.
            let decision = first.body["decisions"]?.arrayValue?.first { $0["field"] == "account_number" }
            #expect(decision?["transform"] == "tokenize")
            #expect(decision?["token"] == .string(t1))
            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            let text = String(decoding: JSONWriter.encode(entry.body), as: UTF8.self)
            #expect(text.contains(#""token":"\#(t1)""#))
            #expect(!text.contains("FR76"))
        }
    }

    @Test func aTokenResolvesToItsSubjectAndFieldForAuditorsAndAdminsOnly() async throws {
        let h = try await Harness()
        try await h.test { client in
            _ = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-1", account: "FR76-1"))
            let second = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-1", account: "FR76-1"))
            let token = try #require(Self.token(second))
            for role in ["auditor", "admin"] {
                let r = try await client.call(.get, "/v1/tokens/\(token)", as: role, h)
                #expect(r.status == .ok)
                #expect(r.body["provider"] == "recouvra")
                #expect(r.body["subject"] == "p-1")
                #expect(r.body["field"] == "account_number")
                // The first disclosure that carried it, not the latest.
                #expect(r.body["first_ledger_index"] == 0)
                #expect(r.body["token"] == .string(token))
                #expect(r.body.objectValue?.count == 6)
            }
            for role in ["provider:recouvra", "discloser", "consent-manager"] {
                let r = try await client.call(.get, "/v1/tokens/\(token)", as: role, h)
                #expect(r.status == .forbidden)
            }
            let unknown = try await client.call(.get, "/v1/tokens/tok_aaaaaaaaaaaaaaaaaaaaaaaaaa", as: "auditor", h)
            #expect(unknown.status == .notFound)
            // Not a token's form: answered as unknown, and not repeated back.
            let malformed = try await client.call(.get, "/v1/tokens/Zelda-Quixote", as: "auditor", h)
            #expect(malformed.status == .notFound)
            #expect(!String(describing: malformed.body).contains("Zelda"))
            // Unprintable or far too long: still an unknown token, not a different error.
            for text in ["tok_%18%C2%BB", "tok_" + String(repeating: "a", count: 300)] {
                let r = try await client.call(.get, "/v1/tokens/\(text)", as: "auditor", h)
                #expect(r.status == .notFound, "\(text.prefix(12))")
            }
        }
    }

    /// A tokenized field is withheld like any other when the decision withholds it: no token is
    /// issued for a field that does not leave.
    @Test func aWithheldFieldGetsNoToken() async throws {
        let h = try await Harness()
        try await h.test { client in
            // Facturo has no agreement for debt collection: nothing leaves, so nothing is tokenized.
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.disclosure(provider: "facturo", purpose: "debt-collection", subject: "p-1", account: "FR76-1"))
            #expect(r.status == .ok)
            #expect(r.body["released"]?["account_number"] == nil)
            let decision = r.body["decisions"]?.arrayValue?.first { $0["field"] == "account_number" }
            #expect(decision?["reason"] == "no-agreement")
            #expect(decision?["token"] == nil)
            let rows = try await h.store.exportRows()
            #expect(rows.tokens.isEmpty)
            #expect(rows.references.isEmpty)
        }
    }

    /// A pseudonym that left is indexed for leak tracing beside the entry, never in it.
    @Test func aPseudonymIsIndexedButNotRecordedInTheEntry() async throws {
        let h = try await Harness()
        try await h.test { client in
            var body = Sample.disclosure(provider: "facturo", purpose: "billing", subject: "p-1").objectValue!
            body["record"] = ["national_id": "2840229123456"]
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(body))
            let pseudonym = try #require(r.body["released"]?["national_id"]?.stringValue)
            let refs = try await h.services.store.disclosedReferences([pseudonym])
            #expect(
                refs == [
                    DisclosedReference(
                        value: pseudonym, kind: .pseudonym, providerID: "facturo", subjectID: "p-1", field: "national_id",
                        firstIndex: 0)
                ])
            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            #expect(!String(decoding: JSONWriter.encode(entry.body), as: UTF8.self).contains(pseudonym))
        }
    }
}

/// `tokenize` at the gateway: each subject's records carry that subject's token, the same one the
/// disclosure API releases to the same provider, and the entry of each subject records it.
@Suite struct TokenGatewayTests {
    @Test func eachSubjectsRecordCarriesItsOwnTokenAsTheAPIReleasesIt() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            let api = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: TokenDisclosureTests.disclosure(
                    provider: "recouvra", purpose: "debt-collection", subject: "p-1", account: "FR76-1"))
            let token = try #require(TokenDisclosureTests.token(api))
            let body: JSONValue = ["items": [["account_number": "FR76-1"], ["account_number": "FR76-1"]]]
            let sent = try await client.gateway(
                .put, "/gateway/collect-batch/v1/accounts/p-1/claims", as: "discloser", h, body: JSONWriter.encode(body))
            #expect(sent.status == .created)
            let received = try #require(f.recouvra.requests.last)
            // A subject's field has one token whichever body carries it: both records, and the API's.
            let items = try #require(received.json?["items"]?.arrayValue)
            #expect(items.compactMap { $0["account_number"]?.stringValue } == [token, token])
            #expect(!String(decoding: received.body, as: UTF8.self).contains("FR76"))
            let index = try #require(sent.headers[HTTPField.Name("Discreet-Ledger-Index")!])
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            let fields = entry.body["entry"]?["fields"]?.arrayValue?.filter { $0["transform"] == "tokenize" }
            #expect(fields?.map { $0["field"] } == ["[0].account_number", "[1].account_number"])
            #expect(fields?.map { $0["token"] } == [.string(token), .string(token)])
        }
    }
}
