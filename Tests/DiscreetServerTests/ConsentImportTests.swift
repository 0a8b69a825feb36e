import DiscreetJSON
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ConsentImportTests {
    static func line(_ subject: String, provider: String = "facturo", categories: [JSONValue] = ["health.diagnosis"]) -> String {
        JSONWriter.string([
            "subject": .string(subject), "provider": .string(provider), "purposes": ["billing"], "categories": .array(categories),
            "granted_at": "2026-01-01T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z", "method": "written",
            "evidence": ["digest": "sha256:01", "reference": "paper-archive"], "notice_version": "2025-12",
        ])
    }

    static func post(_ client: any TestClientProtocol, _ h: Harness, _ body: String, type: String, query: String = "")
        async throws -> (HTTPResponse.Status, JSONValue)
    {
        try await client.execute(
            uri: "/v1/consents/import\(query)", method: .post,
            headers: [.authorization: "Bearer \(h.keys["consent-manager"]!)", .contentType: type], body: ByteBuffer(string: body)
        ) { ($0.status, (try? JSONParser.parse(Array($0.body.readableBytesView))) ?? .null) }
    }

    /// Typed clients' form: `{"consents": [...]}`, all or nothing or partial, elements numbered from 1.
    @Test func aJSONDocumentImportsLikeLines() async throws {
        let h = try await Harness()
        try await h.test { client in
            let good = "{\"consents\":[\(Self.line("p-30")),\(Self.line("p-31"))]}"
            let (status, report) = try await Self.post(client, h, good, type: "application/json")
            #expect(status == .ok)
            #expect(report["imported"] == 2)
            #expect(try await h.store.consents(subjectID: "p-31").count == 1)

            let mixed = "{\"consents\":[\(Self.line("p-32")),{\"subject\":\"p-33\"}]}"
            let (refused, whole) = try await Self.post(client, h, mixed, type: "application/json")
            #expect(refused == .unprocessableContent)
            #expect(whole["type"] == "urn:discreet:problem:import-refused")
            #expect(whole["report"]?["errors"]?[0]?["line"] == 2)
            #expect(try await h.store.consents(subjectID: "p-32").isEmpty)
            let (partial, some) = try await Self.post(client, h, mixed, type: "application/json", query: "?mode=partial")
            #expect(partial == .ok)
            #expect(some["imported"] == 1 && some["refused"] == 1)

            for (body, field) in [("[]", "/"), ("{\"consents\":{}}", "/consents"), ("{\"consent\":[]}", "/")] {
                let (s, p) = try await Self.post(client, h, body, type: "application/json")
                #expect(s == .unprocessableContent, "\(body)")
                #expect(p["field"] == .string(field), "\(body): \(p)")
            }
            let (empty, none) = try await Self.post(client, h, "{\"consents\":[]}", type: "application/json")
            #expect(empty == .unprocessableContent)
            #expect(none["type"] == "urn:discreet:problem:invalid-import")
        }
    }

    @Test func ndjsonImportsEveryLineWithItsReceipt() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body = [Self.line("p-20"), Self.line("p-21"), "", Self.line("p-22")].joined(separator: "\n")
            let (status, report) = try await Self.post(client, h, body, type: "application/x-ndjson")
            #expect(status == .ok)
            #expect(report["imported"] == 3)
            #expect(report["lines"] == 3)
            #expect(report["refused"] == 0)
            let listed = try await client.call(.get, "/v1/subjects/p-21/consents", as: "consent-manager", h)
            #expect(listed.body["consents"]?[0]?["receipt"]?.stringValue?.split(separator: ".").count == 3)
        }
    }

    /// An import with no consent is refused, not reported as a success of nothing.
    @Test(arguments: [
        ("", "application/x-ndjson"), ("\n\n", "application/x-ndjson"), ("", "text/csv"),
        (
            "subject,provider,purposes,categories,granted_at,expires_at,method,evidence_digest,evidence_reference,notice_version\n",
            "text/csv"
        ),
    ])
    func anImportWithNoConsentIsRefused(_ body: String, _ type: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            let (status, problem) = try await Self.post(client, h, body, type: type)
            #expect(status == .unprocessableContent)
            #expect(problem["type"] == "urn:discreet:problem:invalid-import")
            #expect(problem["title"] == "No consent in the body")
        }
    }

    /// A line's missing subject is named with its other problems, in the same report.
    @Test func aLinesProblemsAreNamedTogether() async throws {
        let h = try await Harness()
        try await h.test { client in
            var line = try JSONParser.parse(Self.line("p-1")).objectValue!
            line["subject"] = nil
            line["purposes"] = ["golf"]
            let (status, problem) = try await Self.post(client, h, JSONWriter.string(.object(line)), type: "application/x-ndjson")
            #expect(status == .unprocessableContent)
            let fields = problem["report"]?["errors"]?[0]?["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(Set(fields) == ["/subject", "/purposes"], "\(problem)")
        }
    }

    @Test func allOrNothingRefusesWholeAndNamesTheLines() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body = [
                Self.line("p-30"), Self.line("p-31", provider: "nobody"), "{oops", Self.line("p-33", categories: ["health.*"]),
            ]
            .joined(separator: "\r\n")
            let (status, problem) = try await Self.post(client, h, body, type: "application/x-ndjson")
            #expect(status == .unprocessableContent)
            #expect(problem["type"] == "urn:discreet:problem:import-refused")
            let errors = try #require(problem["report"]?["errors"]?.arrayValue)
            #expect(errors.map { $0["line"] } == [2, 3, 4])
            #expect(errors[0]["errors"]?[0]?["field"] == "/provider")
            #expect(errors[2]["errors"]?[0]?["field"] == "/categories/0")
            #expect(problem["report"]?["imported"] == 0)
            #expect(try await client.call(.get, "/v1/subjects/p-30/consents", as: "consent-manager", h).body["consents"] == [])
        }
    }

    @Test func partialImportsTheValidLinesAndReportsTheRest() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body =
                [Self.line("p-40"), Self.line("p-41", provider: "nobody"), Self.line("p-42")].joined(separator: "\n") + "\n"
            let (status, report) = try await Self.post(client, h, body, type: "application/x-ndjson", query: "?mode=partial")
            #expect(status == .ok)
            #expect(report["imported"] == 2)
            #expect(report["refused"] == 1)
            #expect(report["errors"]?[0]?["line"] == 2)
            #expect(
                try await client.call(.get, "/v1/subjects/p-42/consents", as: "consent-manager", h).body["consents"]?.arrayValue?
                    .count == 1)
        }
    }

    @Test func csvWithQuotesAndListsImports() async throws {
        let h = try await Harness()
        try await h.test { client in
            let csv = #"""
                subject,provider,purposes,categories,granted_at,expires_at,method,evidence_digest,evidence_reference,notice_version
                p-50,facturo,billing,health.diagnosis;health.substance_use,2026-01-01,2027-01-01,written,sha256:aa,"box 3, folder ""B""",2025-12
                p-51,recouvra,debt-collection,identity.name,2026-01-01,2027-01-01,recorded-verbal,sha256:bb,call-77,2025-12
                """#
            let (status, report) = try await Self.post(client, h, csv, type: "text/csv")
            #expect(status == .ok, "\(report)")
            #expect(report["imported"] == 2)
            let c = try await client.call(.get, "/v1/subjects/p-50/consents", as: "consent-manager", h).body["consents"]?[0]
            #expect(c?["categories"] == ["health.diagnosis", "health.substance_use"])
            #expect(c?["evidence"]?["reference"] == "box 3, folder \"B\"")
            let (bad, problem) = try await Self.post(client, h, "who,what\np-1,x\n", type: "text/csv")
            #expect(bad == .unprocessableContent)
            #expect(problem["type"] == "urn:discreet:problem:invalid-import")
        }
    }

    @Test func typesAndModesAreChecked() async throws {
        let h = try await Harness()
        try await h.test { client in
            #expect(try await Self.post(client, h, Self.line("p-1"), type: "application/xml").0 == .unsupportedMediaType)
            // A single grant is not the JSON form (`{"consents": [...]}`): named, not guessed.
            #expect(try await Self.post(client, h, Self.line("p-1"), type: "application/json").0 == .unprocessableContent)
            #expect(
                try await Self.post(client, h, Self.line("p-1"), type: "application/x-ndjson", query: "?mode=some").0
                    == .badRequest)
            let r = try await client.call(.post, "/v1/consents/import", as: "discloser", h, raw: "", contentType: "text/csv")
            #expect(r.status == .forbidden)
        }
    }
}
