import DiscreetJSON
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DiscreetServer

/// The accounting's representation chosen by `Accept`, as typed clients ask for it, with
/// `?format=` kept as an alias.
@Suite struct AccountingFormatTests {
    @Test(
        arguments: [
            (nil, "application/json"), ("", "application/json"), ("*/*", "application/json"), ("text/csv", "text/csv"),
            ("text/html, application/json;q=0.5", "text/html"), ("text/*", "text/csv"), ("text/*;q=0.2, text/html", "text/html"),
            ("application/json;q=0, */*", "text/csv"), ("TEXT/CSV", "text/csv"), ("text/html;q=0.5, text/csv;q=0.5", "text/csv"),
            ("application/xml", nil), ("*/*;q=0", nil), ("text/csv;q=zero", nil),
        ] as [(String?, String?)])
    func acceptChoosesTheRepresentation(_ accept: String?, _ chosen: String?) {
        #expect(ContentNegotiation.choose(accept, from: ["application/json", "text/csv", "text/html"]) == chosen)
    }

    @Test func theAccountingAnswersInTheTypeAccepted() async throws {
        let h = try await Harness()
        try await h.test { client in
            #expect(try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure()).status == .ok)
            let uri = "/v1/subjects/p-1/disclosures"
            let csv = try await client.call(.get, uri, as: "auditor", h, headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.body.stringValue?.hasPrefix("ledger_index,time,recipient") == true)
            let html = try await client.call(.get, uri, as: "auditor", h, headers: [.accept: "text/html"])
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            let json = try await client.call(.get, uri, as: "auditor", h, headers: [.accept: "application/json"])
            #expect(json.body["disclosures"]?.arrayValue?.count == 1)
            let refused = try await client.call(.get, uri, as: "auditor", h, headers: [.accept: "application/xml"])
            #expect(refused.status == .notAcceptable)
            #expect(refused.body["type"] == "urn:discreet:problem:not-acceptable")
            // The alias wins: a link a person clicks in a browser (which accepts text/html first).
            let alias = try await client.call(.get, uri + "?format=csv", as: "auditor", h, headers: [.accept: "text/html"])
            #expect(alias.headers[.contentType]?.hasPrefix("text/csv") == true)
        }
    }
}
