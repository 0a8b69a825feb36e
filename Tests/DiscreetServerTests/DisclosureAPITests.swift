import DiscreetJSON
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@Suite struct DisclosureAPITests {
    @Test func releasesOnlyWhatPassesWithAReasonForEveryField() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .ok)
            #expect(
                r.body["released"]
                    == [
                        "name": "Zelda Quixote-Marsh", "birth_date": "1979", "phone": "********7766",
                        "address": ["street": "7 impasse Vermeer", "city": "Valognes", "postal_code": "50700"],
                        "amount_due": .number("431.77"),
                    ])
            let decisions = try #require(r.body["decisions"]?.arrayValue)
            #expect(decisions.count == 12)
            let reasons = Dictionary(
                uniqueKeysWithValues: decisions.map { ($0["field"]!.stringValue!, $0["reason"]!.stringValue!) })
            #expect(reasons["diagnosis"] == "no-agreement")
            #expect(reasons["national_id"] == "not-needed")
            #expect(reasons["treatments[0].substance_program"] == "no-agreement")
            #expect(reasons["name"] == "permitted")
            // Every decision has its members, and a basis exactly when something left: a released or
            // transformed field names its agreement, consent or exception; a withheld one has null.
            for d in decisions {
                let field = d["field"]?.stringValue ?? "?"
                #expect(["released", "transformed", "withheld"].contains(d["outcome"]?.stringValue ?? ""), "\(field)")
                #expect(d["category"]?.stringValue != nil || d["reason"] == "unmapped-field", "\(field)")
                if d["outcome"] == "withheld" {
                    #expect(d["basis"] == .null, "\(field)")
                } else {
                    let basis = d["basis"]?.stringValue ?? ""
                    #expect(["agreement:", "consent:", "exception:"].contains { basis.hasPrefix($0) }, "\(field): \(basis)")
                }
            }
            #expect(decisions.contains { $0["outcome"] == "withheld" } && decisions.contains { $0["outcome"] != "withheld" })
            #expect(r.body["receipt"]?["ledger_index"] == 0)
            #expect(r.body["receipt"]?["leaf_hash"]?.stringValue?.count == 44)
            let again = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(again.body["receipt"]?["ledger_index"] == 1)
        }
    }

    @Test func withdrawalTakesEffectOnTheNextRequestAndHistoryStays() async throws {
        let h = try await Harness()
        try await h.test { client in
            let grant: JSONValue = [
                "provider": "facturo", "purposes": ["billing"], "categories": ["health.substance_use"],
                "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
                "evidence": ["digest": "sha256:ab12", "reference": "scan-77"], "notice_version": "2026-01",
            ]
            let consent = try await client.call(.post, "/v1/subjects/p-9/consents", as: "consent-manager", h, json: grant)
            #expect(consent.status == .created)
            #expect(consent.body["status"] == "active")
            let cid = try #require(consent.body["id"]?.stringValue)
            let request = Sample.disclosure(provider: "facturo", purpose: "billing", subject: "p-9")
            let before = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: request)
            #expect(before.body["released"]?["treatments"] == [["code": "H0020", "substance_program": "buprenorphine-Q7"]])
            #expect(before.body["notices"] == ["42 CFR part 2 prohibits unauthorized use or disclosure of these records."])
            let basis = before.body["decisions"]?.arrayValue?.first { $0["field"] == "treatments[0].substance_program" }?["basis"]
            #expect(basis == .string("consent:\(cid)"))

            let withdrawn = try await client.call(.post, "/v1/subjects/p-9/consents/\(cid)/withdraw", as: "consent-manager", h)
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.body["status"] == "withdrawn")

            let after = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: request)
            #expect(after.body["released"]?["treatments"] == [["code": "H0020"]])
            let reason = after.body["decisions"]?.arrayValue?.first { $0["field"] == "treatments[0].substance_program" }?[
                "reason"]
            #expect(reason == "consent-withdrawn")
            #expect(after.body["notices"] == [])

            let accounting = try await client.call(.get, "/v1/subjects/p-9/disclosures", as: "auditor", h)
            #expect(accounting.body["disclosures"]?.arrayValue?.count == 2)
            let current = try await client.call(.get, "/v1/subjects/p-9/consents", as: "consent-manager", h)
            #expect(current.body["consents"] == [])
            let history = try await client.call(.get, "/v1/subjects/p-9/consents?include=history", as: "consent-manager", h)
            #expect(history.body["consents"]?[0]?["status"] == "withdrawn")
            let unknown = try await client.call(.post, "/v1/subjects/p-9/consents/nope/withdraw", as: "consent-manager", h)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func whenTheLedgerCannotBeWrittenNothingIsReleased() async throws {
        let h = try await Harness()
        // Break the real SQLite file from outside: every insert into the ledger now aborts.
        let outside = try DatabaseQueue(path: h.store.path)
        try await outside.write { db in
            try db.execute(sql: "CREATE TRIGGER broken BEFORE INSERT ON disclosures BEGIN SELECT RAISE(ABORT, 'disk gone'); END")
        }
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .serviceUnavailable)
            #expect(r.body["type"] == "urn:discreet:problem:ledger-unavailable")
            #expect(r.body["released"] == nil)
            let text = JSONWriter.string(r.body)
            for v in Sample.values { #expect(!text.contains(v)) }
            #expect(r.headers[.contentType] == "application/problem+json")
        }
        #expect(try await h.store.entryCount() == 0)
        try await outside.write { db in try db.execute(sql: "DROP TRIGGER broken") }
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .ok)
            #expect(r.body["receipt"]?["ledger_index"] == 0)
        }
    }

    @Test func valuesNeverRestInTheStoreOrTheLogs() async throws {
        let h = try await Harness()
        try await h.test { client in
            for (provider, purpose) in [("recouvra", "debt-collection"), ("facturo", "billing"), ("nobody", "billing")] {
                let r = try await client.call(
                    .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(provider: provider, purpose: purpose))
                #expect(r.status == .ok)
            }
            _ = try await client.call(
                .post, "/v1/decisions", as: "discloser", h,
                json: [
                    "provider": "facturo", "purpose": "billing", "subject": "p-1", "record_type": "patient", "fields": ["name"],
                ])
            // A malformed body full of values, and one with an unknown member.
            _ = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h, raw: #"{"record": {"name": "Zelda Quixote-Marsh", }"#)
            var extra = Sample.disclosure().objectValue!
            extra["Valognes"] = "431.77"
            let unknown = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(extra))
            #expect(unknown.status == .unprocessableContent)
            #expect(!String(decoding: JSONWriter.encode(unknown.body), as: UTF8.self).contains("Valognes"))
            #expect(unknown.body["field"] == "/")
            // A record member the record type does not name: recorded as a keyed digest, never its name.
            var keyed = Sample.disclosure().objectValue!
            var record = keyed["record"]!.objectValue!
            record["Marguerite Valognes"] = "x"
            keyed["record"] = .object(record)
            let digested = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(keyed))
            #expect(digested.status == .ok)
            #expect(!String(decoding: JSONWriter.encode(digested.body), as: UTF8.self).contains("Marguerite"))
        }
        #expect(try await h.store.entryCount() == 4)
        var stored = Data()
        for suffix in ["", "-wal", "-shm"] {
            stored.append(FileManager.default.contents(atPath: h.store.path + suffix) ?? Data())
        }
        #expect(stored.count > 0)
        let logs = h.logs.text
        #expect(logs.contains("/v1/disclosures"))
        for value in Sample.values + ["Marguerite"] {
            #expect(stored.range(of: Data(value.utf8)) == nil, "the store holds \(value)")
            #expect(!logs.contains(value), "the logs hold \(value)")
        }
    }

    @Test func aSuspendedProviderIsRefusedWholeAndTheAttemptRecorded() async throws {
        let h = try await Harness()
        try await h.test { client in
            #expect(try await client.call(.post, "/v1/providers/recouvra/suspend", as: "admin", h).body["suspended"] == true)
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .forbidden)
            #expect(r.body["type"] == "urn:discreet:problem:provider-suspended")
            let accounting = try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h)
            #expect(accounting.body["disclosures"]?[0]?["entry"]?["refused"] == "provider-suspended")
            #expect(try await client.call(.post, "/v1/providers/recouvra/resume", as: "admin", h).body["suspended"] == false)
            #expect(try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure()).status == .ok)
        }
    }

    @Test func onlyAnExceptionOfficerMayInvokeAnException() async throws {
        let h = try await Harness()
        var body = Sample.disclosure(provider: "urgences-nord", purpose: "emergency-care").objectValue!
        body["exception"] = [
            "basis": "medical-emergency", "justification": "Unconscious patient admitted.", "facts": "Overdose suspected.",
        ]
        let withException = body
        body["exception"] = nil
        let withoutException = body
        try await h.test { client in
            let refused = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(withException))
            #expect(refused.status == .forbidden)
            #expect(refused.body["type"] == "urn:discreet:problem:exception-role-required")
            let r = try await client.call(.post, "/v1/disclosures", as: "exception-officer", h, json: .object(withException))
            #expect(r.status == .ok)
            let d = r.body["decisions"]?.arrayValue?.first { $0["field"] == "treatments[0].substance_program" }
            #expect(d?["basis"] == "exception:medical-emergency")
            // The answer names the law the exception rests on, once.
            #expect(r.body["citations"] == ["exception:medical-emergency": "42 CFR 2.51"])
            let accounting = try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h)
            #expect(accounting.body["disclosures"]?[0]?["entry"]?["exception"]?["basis"] == "medical-emergency")
            // Without an exception, medical personnel with no agreement receive nothing.
            let none = try await client.call(
                .post, "/v1/disclosures", as: "exception-officer", h, json: .object(withoutException))
            #expect(none.body["released"] == [:])
        }
    }

    @Test func decisionsWriteNothingToTheLedger() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(
                .post, "/v1/decisions", as: "discloser", h,
                json: [
                    "provider": "recouvra", "purpose": "debt-collection", "subject": "p-1", "record_type": "patient",
                    "fields": ["name", "phone", "diagnosis", "x"],
                ])
            #expect(r.status == .ok)
            #expect(
                r.body["decisions"]?.arrayValue?.map { $0["reason"]! } == [
                    "permitted", "permitted", "no-agreement", "unmapped-field",
                ])
            #expect(r.body["decisions"]?[1]?["transform"] == "mask:4")
            // An agreement basis the demo does not cite: no citations member.
            #expect(r.body["citations"] == nil)
        }
        #expect(try await h.store.entryCount() == 0)
    }
}
