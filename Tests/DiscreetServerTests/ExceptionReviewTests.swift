import DiscreetJSON
import DiscreetServer
import DiscreetStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ExceptionReviewTests {
    /// An emergency disclosure under an exception, to the emergency ward.
    static func emergency(justification: String = "Unconscious patient admitted to the emergency room.") -> JSONValue {
        var body = Sample.disclosure(provider: "urgences-nord", purpose: "emergency-care").objectValue!
        body["exception"] = [
            "basis": "medical-emergency", "justification": .string(justification), "facts": "Overdose suspected.",
        ]
        return .object(body)
    }

    @Test func everyExceptionDisclosureIsQueuedAndAlerted() async throws {
        let h = try await Harness()
        try await h.test { client in
            _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            let r = try await client.call(.post, "/v1/disclosures", as: "exception-officer", h, json: Self.emergency())
            #expect(r.status == .ok)
            let pending = try await client.call(.get, "/v1/exceptions?status=pending", as: "auditor", h)
            let items = try #require(pending.body["exceptions"]?.arrayValue)
            #expect(items.count == 1)
            #expect(items[0]["basis"] == "medical-emergency")
            #expect(items[0]["ledger_index"] == 1)
            #expect(items[0]["disclosure_id"] == r.body["disclosure_id"])
            #expect(items[0]["status"] == "pending")
        }
        #expect(try await h.store.undeliveredAlertCount() == 1)
        let alert = try #require(try await h.store.dueAlerts(now: .distantFuture, limit: 10).first)
        let body = try JSONParser.parse(alert.body)
        #expect(body["type"] == "exception-invoked")
        #expect(body["facts"] == nil)
        #expect(body["justification"] == nil)
    }

    @Test(arguments: ["Because.", "Urgent need now", "   short words here   "])
    func aJustificationMustBeASentence(_ text: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(
                .post, "/v1/disclosures", as: "exception-officer", h, json: Self.emergency(justification: text))
            #expect(r.status == .unprocessableContent)
            #expect(r.body["field"] == "/exception/justification")
        }
        #expect(try await h.store.entryCount() == 0)
    }

    @Test func aVerdictIsFinalAndComesFromSomeoneElse() async throws {
        let h = try await Harness()
        // One person holding both roles may invoke, but not review their own exception.
        let (both, record) = APIKeys.generate(roles: [.exceptionOfficer, .auditor], label: "both", now: Date())
        try await h.store.insertKey(record)
        try await h.test { client in
            _ = try await client.call(
                .post, "/v1/disclosures", as: nil, h, json: Self.emergency(), headers: [.authorization: "Bearer \(both)"])
            let id = try #require(
                try await client.call(.get, "/v1/exceptions", as: "auditor", h).body["exceptions"]?[0]?["id"]?.stringValue)
            let verdict: JSONValue = ["reviewer": "Dr. Ada Reviewer", "verdict": "upheld", "comment": "Emergency documented."]
            let own = try await client.call(
                .post, "/v1/exceptions/\(id)/review", as: nil, h, json: verdict, headers: [.authorization: "Bearer \(both)"])
            #expect(own.status == .forbidden)
            #expect(own.body["type"] == "urn:discreet:problem:self-review")
            let done = try await client.call(.post, "/v1/exceptions/\(id)/review", as: "auditor", h, json: verdict)
            #expect(done.status == .ok)
            #expect(done.body["status"] == "upheld")
            #expect(done.body["reviewer"] == "Dr. Ada Reviewer")
            #expect(done.body["reviewed_at"] == "2026-06-01T09:00:00Z")
            let again = try await client.call(
                .post, "/v1/exceptions/\(id)/review", as: "auditor", h,
                json: ["reviewer": "X", "verdict": "rejected", "comment": "No."])
            #expect(again.status == .conflict)
            #expect(again.body["type"] == "urn:discreet:problem:already-reviewed")
            #expect(try await client.call(.get, "/v1/exceptions?status=pending", as: "auditor", h).body["exceptions"] == [])
            #expect(
                try await client.call(.get, "/v1/exceptions?status=upheld", as: "auditor", h).body["exceptions"]?.arrayValue?
                    .count == 1)
            #expect(
                try await client.call(.get, "/v1/exceptions/\(id)", as: "auditor", h).body["comment"] == "Emergency documented.")
        }
    }

    @Test func basisAndRecipientKindAreChecked() async throws {
        let h = try await Harness()
        try await h.test { client in
            func disclose(_ provider: String, _ purpose: String, basis: String) async throws -> (HTTPResponse.Status, JSONValue) {
                var body = Sample.disclosure(provider: provider, purpose: purpose).objectValue!
                body["exception"] = [
                    "basis": .string(basis), "justification": "A documented and imminent danger to a person.", "facts": "Facts.",
                ]
                let r = try await client.call(.post, "/v1/disclosures", as: "exception-officer", h, json: .object(body))
                return (r.status, r.body)
            }
            // An exception the bundle does not know.
            let (unknown, problem) = try await disclose("urgences-nord", "emergency-care", basis: "curiosity")
            #expect(unknown == .unprocessableContent)
            #expect(problem["type"] == "urn:discreet:problem:unknown-exception")
            // medical-emergency reaches medical personnel only: not a debt collector.
            let (_, collector) = try await disclose("recouvra", "emergency-care", basis: "medical-emergency")
            let reasons = Dictionary(
                uniqueKeysWithValues: collector["decisions"]!.arrayValue!.map {
                    ($0["field"]!.stringValue!, $0["reason"]!.stringValue!)
                })
            #expect(reasons["treatments[0].substance_program"] == "no-agreement")
            // serious-threat reaches authorities and threatened persons, not medical personnel.
            let (_, ward) = try await disclose("urgences-nord", "emergency-care", basis: "serious-threat")
            let sud = ward["decisions"]!.arrayValue!.first { $0["field"] == "treatments[0].substance_program" }
            #expect(sud?["reason"] == "no-agreement")
            // Each attempt, used or not, is queued for review.
            #expect(try await client.call(.get, "/v1/exceptions", as: "auditor", h).body["exceptions"]?.arrayValue?.count == 2)
        }
    }
}
