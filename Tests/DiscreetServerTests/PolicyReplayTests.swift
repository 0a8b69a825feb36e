import DiscreetJSON
import DiscreetPolicy
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DiscreetServer

/// `POST /v1/policy/replay`: a candidate bundle decided over the ledger's history, without any
/// value, under the agreements and consents in force at each entry's instant.
@Suite struct PolicyReplayTests {
    /// The demo with diagnoses taken out of billing (its own test adjusted, so that it can be put
    /// in force and decide the same requests afresh).
    static let withoutDiagnosisInBilling: String = {
        let demo = DemoPolicy.source
        let billing = "financial.account_number: tokenize\n      health.diagnosis: release\n"
        precondition(demo.contains(billing))
        return
            demo
            .replacingOccurrences(of: billing, with: "financial.account_number: tokenize\n")
            .replacingOccurrences(
                of: "expect: { diagnosis: released, national_id: transformed }",
                with: "expect: { diagnosis: not-needed, national_id: transformed }"
            )
            .replacingOccurrences(of: "expect: { diagnosis: no-consent }", with: "expect: { diagnosis: not-needed }")
            .replacingOccurrences(of: "version: demo-2026.1", with: "version: candidate-1")
    }()

    static func request(
        provider: String = "recouvra", purpose: String = "debt-collection", subject: String = "p-1", record: JSONValue
    ) -> JSONValue {
        [
            "provider": .string(provider), "purpose": .string(purpose), "subject": .string(subject), "record_type": "patient",
            "record": record,
        ]
    }

    static let requests: [JSONValue] = [
        Self.request(provider: "facturo", purpose: "billing", record: ["name": "Ana", "diagnosis": "F32.1"]),
        Self.request(
            provider: "facturo", purpose: "billing", subject: "p-2", record: ["diagnosis": "F11.20", "amount_due": "10"]),
        Self.request(provider: "facturo", purpose: "billing", record: ["treatments": [["code": "A"], ["code": "B"]]]),
        Self.request(provider: "recouvra", purpose: "debt-collection", record: ["name": "Ana", "diagnosis": "F32.1"]),
        Self.request(provider: "facturo", purpose: "billing", subject: "p-5", record: ["diagnosis": "J45", "x": "y"]),
    ]

    /// The NDJSON answer's lines (the harness reads an answer of one line as its JSON).
    static func lines(_ body: JSONValue) throws -> [JSONValue] {
        guard let text = body.stringValue else { return [body] }
        return try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    }

    static func replay(_ client: some TestClientProtocol, _ h: Harness, _ source: String, query: String = "") async throws
        -> JSONValue
    {
        let r = try await client.call(
            .post, "/v1/policy/replay" + query, as: "admin", h, raw: source, contentType: "application/yaml")
        #expect(r.status == .ok)
        #expect(r.headers[.contentType] == "application/x-ndjson")
        return try #require(try Self.lines(r.body).last?["report"])
    }

    @Test func aCandidateFlipsExactlyTheFieldsAFreshDecisionUnderItFlips() async throws {
        let h = try await Harness()
        try await h.test { client in
            var answered: [(request: JSONValue, decisions: [JSONValue])] = []
            for request in Self.requests {
                let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: request)
                #expect(r.status == .ok)
                answered.append((request, try #require(r.body["decisions"]?.arrayValue)))
                h.advance(seconds: 60)
            }
            let report = try await Self.replay(client, h, Self.withoutDiagnosisInBilling)
            #expect(report["candidate"] == "candidate-1")
            #expect(report["entries"]?["replayed"] == 5)
            #expect(report["entries"]?["provider_before_history"] == 0)

            // The same requests decided afresh with the candidate in force.
            let put = try await client.call(
                .put, "/v1/policy", as: "admin", h, raw: Self.withoutDiagnosisInBilling, contentType: "application/yaml")
            #expect(put.status == .ok)
            var expected: [String: Int] = [:]
            var changed = 0
            for (request, then) in answered {
                var ask = request.objectValue!
                ask["record"] = nil
                ask["fields"] = .array(then.map { $0["field"]! })
                let now = try await client.call(.post, "/v1/decisions", as: "discloser", h, json: .object(ask))
                let decided = try #require(now.body["decisions"]?.arrayValue)
                for (a, b) in zip(then, decided) where a["outcome"] != b["outcome"] {
                    changed += 1
                    let key = [request["provider"], request["purpose"], a["outcome"], b["outcome"], a["reason"], b["reason"]]
                        .map { $0?.stringValue ?? "" }.joined(separator: " ")
                    expected[key, default: 0] += 1
                }
            }
            let changes = try #require(report["changes"]?.arrayValue)
            var reported: [String: Int] = [:]
            for c in changes {
                let key = ["provider", "purpose", "from", "to", "was", "reason"].map { c[$0]?.stringValue ?? "" }.joined(
                    separator: " ")
                if case .number(let n)? = c["fields"] { reported[key] = Int(n) }
            }
            #expect(reported == expected)
            // The three diagnoses billed (entries 0, 1 and 4); nothing else.
            #expect(expected == ["facturo billing released withheld permitted not-needed": 3])
            #expect(report["fields"]?["changed"] == .number(String(changed)))
            #expect(changes.first?["examples"] == [0, 1, 4])
        }
    }

    @Test func theAgreementsInForceThenDecideNotTodays() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.request(provider: "recouvra", purpose: "debt-collection", record: ["name": "Ana"]))
            #expect(r.body["decisions"]?[0]?["outcome"] == "released")
            // An hour later the collection agency's agreement is gone.
            h.advance(seconds: 3_600)
            let gone = try await client.call(
                .put, "/v1/providers/recouvra", as: "admin", h, json: ["kind": "service-provider", "agreements": []])
            #expect(gone.status == .ok)
            // Replayed under the very bundle in force, nothing changes: the entry is decided under
            // the agreement it was made under.
            let same = try await Self.replay(client, h, DemoPolicy.source)
            #expect(same["fields"]?["changed"] == 0)
            #expect(same["changes"] == [])
            // A disclosure now is withheld, and a replay of it too agrees with what was decided.
            let now = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Self.request(provider: "recouvra", purpose: "debt-collection", record: ["name": "Ana"]))
            #expect(now.body["decisions"]?[0]?["reason"] == "no-agreement")
            #expect(try await Self.replay(client, h, DemoPolicy.source)["fields"]?["replayed"] == 2)
            #expect(try await Self.replay(client, h, DemoPolicy.source)["fields"]?["changed"] == 0)
        }
    }

    @Test func theWindowIsTheLastEntriesOrAStretchOfTime() async throws {
        let h = try await Harness()
        try await h.test { client in
            for _ in 0..<3 {
                _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
                h.advance(seconds: 3_600)
            }
            let last = try await Self.replay(client, h, Self.withoutDiagnosisInBilling, query: "?last=2")
            #expect(last["window"] == ["from_index": 1, "to_index": 3, "last": 2])
            #expect(last["entries"]?["scanned"] == 2)
            // 09:00, 10:00 and 11:00: [09:30, 11:00) holds the second alone.
            let between = try await Self.replay(
                client, h, Self.withoutDiagnosisInBilling, query: "?from=2026-06-01T09:30:00Z&to=2026-06-01T11:00:00Z")
            #expect(between["entries"]?["scanned"] == 3)
            #expect(between["entries"]?["replayed"] == 1)
            #expect(between["entries"]?["outside_window"] == 2)
        }
    }

    @Test func aCandidateThatKnowsNoSuchPurposeRefusesTheRequestsWhole() async throws {
        let h = try await Harness()
        try await h.test { client in
            _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            let renamed = DemoPolicy.source.replacingOccurrences(of: "debt-collection", with: "collections")
            let report = try await Self.replay(client, h, renamed)
            #expect(
                report["refusals"] == [
                    [
                        "provider": "recouvra", "purpose": "debt-collection", "problem": "unknown-purpose", "fields": 12,
                        "entries": 1, "examples": [0],
                    ]
                ])
        }
    }

    @Test func badInputIsAProblemNamingWhatToFix() async throws {
        let h = try await Harness()
        try await h.test { client in
            func ask(_ query: String, as role: String = "admin", _ body: String = DemoPolicy.source) async throws
                -> (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields)
            {
                try await client.call(.post, "/v1/policy/replay" + query, as: role, h, raw: body, contentType: "application/yaml")
            }
            for (query, parameter) in [
                ("?last=0", "last"), ("?last=x", "last"), ("?last=2&from=2026-01-01T00:00:00Z", "last"),
                ("?from=yesterday", "from"), ("?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
            ] {
                let r = try await ask(query)
                #expect(r.status == .badRequest, "\(query)")
                #expect(r.body["type"] == "urn:discreet:problem:invalid-query")
                #expect(r.body["parameter"] == .string(parameter), "\(query)")
            }
            let invalid = try await ask("", "version: 1\nregimes: {}\n")
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.body["type"] == "urn:discreet:problem:invalid-bundle")
            #expect(try await ask("", as: "auditor").status == .forbidden)
            #expect(try await ask("", as: "discloser").status == .forbidden)
        }
    }
}
