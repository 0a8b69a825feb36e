import DiscreetJSON
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DiscreetServer

/// `scrub` on the API: the released note, the decision's counts, the ledger entry (counts, never
/// a value) and the accounting's words, on the demo bundle's debt-collection purpose.
@Suite struct ScrubDisclosureTests {
    static let note =
        "Zelda called from 06 99 88 77 66 about F33.2; pays by card 4970 1012 3456 7893, mail zq@example.org, "
        + "or +33 6 99 88 77 66"

    static func disclosure(account: String? = nil) -> JSONValue {
        var body = Sample.disclosure().objectValue!
        var record = Sample.record.objectValue!
        record["collection_notes"] = .string(note)
        if let account { record["account_number"] = .string(account) }
        body["record"] = .object(record)
        return .object(body)
    }

    @Test func theNoteLeavesScrubbedWithItsCountsInTheAnswerTheLedgerAndTheAccounting() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Self.disclosure())
            #expect(r.status == .ok)
            // The name leaves (released as is), so it stays in the note; the phone is masked and the
            // diagnosis withheld, so neither may leave inside the note; a card and an e-mail are scrubbed.
            #expect(
                r.body["released"]?["collection_notes"]
                    == "Zelda called from [contact.phone] about [health.diagnosis]; pays by card [CARD], mail [EMAIL], or [contact.phone]"
            )
            let decision = r.body["decisions"]?.arrayValue?.first { $0["field"] == "collection_notes" }
            #expect(decision?["outcome"] == "transformed")
            #expect(decision?["transform"] == "scrub")
            #expect(decision?["scrubbed"] == ["CARD": 1, "EMAIL": 1, "contact.phone": 2, "health.diagnosis": 1])
            // Other decisions carry no `scrubbed` member.
            #expect(r.body["decisions"]?.arrayValue?.filter { $0["scrubbed"] != nil }.count == 1)

            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            let text = String(decoding: JSONWriter.encode(entry.body), as: UTF8.self)
            #expect(text.contains(#""scrubbed":{"CARD":1,"EMAIL":1,"contact.phone":2,"health.diagnosis":1}"#))
            for value in ["99 88 77 66", "4970", "zq@example.org", "F33.2", "Zelda"] { #expect(!text.contains(value)) }

            let html = try await client.execute(
                uri: "/v1/subjects/p-1/disclosures?format=html", method: .get,
                headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { String(buffer: $0.body) }
            #expect(
                html.contains(
                    "<li>notes on collecting the bill: the text, with 1 e-mail address, 1 payment card number, "
                        + "your phone number and your diagnosis removed</li>"))
        }
    }

    /// The values-free question says `scrub` too, with nothing counted: there is no text.
    @Test func aDecisionWithoutValuesNamesTheTransformAndCountsNothing() async throws {
        let h = try await Harness()
        try await h.test { client in
            var body = Sample.disclosure().objectValue!
            body["record"] = nil
            body["fields"] = ["collection_notes"]
            let r = try await client.call(.post, "/v1/decisions", as: "discloser", h, json: .object(body))
            #expect(r.status == .ok)
            #expect(r.body["decisions"]?[0]?["transform"] == "scrub")
            #expect(r.body["decisions"]?[0]?["scrubbed"] == nil)
        }
    }
}

/// `scrub` at the gateway: each record's note loses that record's own values, and the kinds the
/// purpose names; the provider receives nothing else, and the entry counts what went.
@Suite struct ScrubGatewayTests {
    @Test func eachRecordsNoteIsScrubbedAgainstItsOwnRecord() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            let body: JSONValue = [
                "items": [
                    [
                        "phone": "+33612345678",
                        "collection_notes": "call 06 12 34 56 78, or her sister at 06 99 88 77 66 (zq@example.org)",
                    ],
                    ["diagnosis": "F32.1", "collection_notes": "F32.1 follow-up; call 06.12.34.56.78"],
                ]
            ]
            let sent = try await client.gateway(
                .put, "/gateway/collect-batch/v1/accounts/p-1/claims", as: "discloser", h, body: JSONWriter.encode(body))
            #expect(sent.status == .created)
            let received = try #require(f.recouvra.requests.last)
            #expect(
                received.json == [
                    "items": [
                        [
                            "phone": "********5678",
                            "collection_notes": "call [contact.phone], or her sister at [PHONE] ([EMAIL])",
                        ],
                        // The second record's phone is not its own: a phone number all the same.
                        ["collection_notes": "[health.diagnosis] follow-up; call [PHONE]"],
                    ]
                ])
            let index = try #require(sent.headers[HTTPField.Name("Discreet-Ledger-Index")!])
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            let notes = entry.body["entry"]?["fields"]?.arrayValue?.filter {
                $0["field"]?.stringValue?.hasSuffix("collection_notes") == true
            }
            #expect(
                notes?.map { $0["scrubbed"] } == [
                    ["EMAIL": 1, "PHONE": 1, "contact.phone": 1], ["PHONE": 1, "health.diagnosis": 1],
                ])
        }
    }
}

/// `scrub` on a pull route: the provider fetches a record whose note the internal API holds; what
/// it receives is the note scrubbed against that record, the same as the disclosure API answers.
@Suite struct ScrubPullTests {
    @Test func aPulledNoteIsScrubbedAsTheDisclosureAPIScrubsIt() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        var record = Sample.record.objectValue!
        record["collection_notes"] = .string(ScrubDisclosureTests.note)
        f.ehr.answer.withLock { $0.body = JSONWriter.encode(.object(record)) }
        try await f.run { client in
            let r = try await client.gateway(
                .get, "/pull/fetch-for-recouvra/patients/p-1", as: "provider:recouvra", h, body: [], contentType: nil)
            #expect(r.status == .ok)
            let released = try #require(r.body.json?["collection_notes"]?.stringValue)
            #expect(
                released
                    == "Zelda called from [contact.phone] about [health.diagnosis]; pays by card [CARD], mail [EMAIL], or [contact.phone]"
            )
            let index = try #require(r.headers[HTTPField.Name("Discreet-Ledger-Index")!])
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            let note = entry.body["entry"]?["fields"]?.arrayValue?.first { $0["field"] == "collection_notes" }
            #expect(note?["scrubbed"] == ["CARD": 1, "EMAIL": 1, "contact.phone": 2, "health.diagnosis": 1])
        }
    }
}
