import DiscreetJSON
import DiscreetStore
import Foundation
import HummingbirdTesting
import Testing

/// An entry that committed although its request was answered 503 (issue 21): the group commit
/// appends a not-released record, and the accounting says so in each format, in words a person
/// reads, without counting it as a disclosure of its own.
@Suite struct NotReleasedAccountingTests {
    @Test func theAccountingSaysRecordedNotReleased() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            let id = try #require(r.body["disclosure_id"]?.stringValue)
            // What GroupCommit's reconciliation appends for it.
            let entry = LedgerAppend(
                disclosureID: id, subjectID: "p-1", providerID: "recouvra", purpose: "debt-collection", recordedAt: h.clock.now,
                entry: [])
            let record = DeliveryRecord(notReleased: entry, at: h.clock.now)
            #expect(record.id == "dlv-nr-" + id)
            _ = try await h.store.append(record.append)

            let json = try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h)
            let shown = json.body["disclosures"]?.arrayValue ?? []
            #expect(shown.count == 1)
            #expect(shown.first?["not_delivered"] == "not-released")
            #expect(json.body["deliveries"]?[0]?["entry"]?["delivery"]?["outcome"] == "not-released")
            #expect(json.body["deliveries"]?[0]?["entry"]?["delivery"]?["route"] == nil)
            let spec = try OpenAPISpec.load()
            #expect(
                spec.check(
                    method: "GET", path: "/v1/subjects/{id}/disclosures", status: 200, contentType: json.headers[.contentType],
                    body: json.body) == [])

            let csv = try await AccountingTests.text(client, h, "/v1/subjects/p-1/disclosures?format=csv")
            #expect(csv.split(whereSeparator: \.isNewline).last?.hasSuffix(",not-released,") == true, "\(csv)")
            let html = try await AccountingTests.text(client, h, "/v1/subjects/p-1/disclosures?format=html")
            #expect(html.contains("<strong>Recorded, not released:</strong>"))
            #expect(html.contains("so nothing was sent."))
            #expect(!html.contains("Attempted, not delivered"))
        }
    }
}
