import DiscreetJSON
import DiscreetPolicy
import DiscreetServer
import DiscreetStore
import Foundation
import HummingbirdTesting
import Logging
import Testing

/// A withdrawn consent's recalls: opened for exactly the providers that received data on it,
/// readable by admins, auditors and the provider itself (without the subject's id), acknowledged
/// by that provider's key alone, each step in the ledger, and shown in the accounting.
@Suite struct RecallTests {
    static let grant: JSONValue = [
        "provider": "facturo", "purposes": ["billing"], "categories": ["health.substance_use"],
        "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
        "evidence": ["digest": "sha256:ab12", "reference": "scan-77"], "notice_version": "2026-01",
    ]

    /// What the scenario made: the consent, and the ledger indexes of its disclosures.
    struct Made {
        var consent: String
        /// To facturo under the consent (the substance-use program) and under its BAA.
        var underConsent: Int64
        /// To facturo under its BAA alone.
        var agreementOnly: Int64
        /// To recouvra under its DPA (no consent needed).
        var otherProvider: Int64
        /// The account number's token facturo was given.
        var token: String
    }

    /// p-9 consents to facturo's billing of substance-use data; three disclosures follow, one
    /// of them resting on that consent.
    static func disclose(_ client: some TestClientProtocol, _ h: Harness) async throws -> Made {
        let consent = try await client.call(.post, "/v1/subjects/p-9/consents", as: "consent-manager", h, json: grant)
        let cid = try #require(consent.body["id"]?.stringValue)
        func post(_ provider: String, _ purpose: String, _ record: JSONValue) async throws -> JSONValue {
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: [
                    "provider": .string(provider), "purpose": .string(purpose), "subject": "p-9", "record_type": "patient",
                    "record": record,
                ])
            #expect(r.status == .ok)
            return r.body
        }
        let first = try await post(
            "facturo", "billing",
            [
                "name": "Zelda", "account_number": "FR76 3000 6000 0112 3456 7890 189",
                "treatments": [["code": "H0020", "substance_program": "buprenorphine-Q7"]],
            ])
        let second = try await post("facturo", "billing", ["name": "Zelda", "treatments": [["code": "H0020"]]])
        let third = try await post("recouvra", "debt-collection", ["name": "Zelda", "amount_due": 12])
        func index(_ body: JSONValue) throws -> Int64 {
            try #require(body["receipt"]?["ledger_index"].flatMap { Int64(JSONWriter.string($0)) })
        }
        let token = try #require(first["released"]?["account_number"]?.stringValue)
        return Made(
            consent: cid, underConsent: try index(first), agreementOnly: try index(second), otherProvider: try index(third),
            token: token)
    }

    @Test func aWithdrawalRecallsFromExactlyTheProvidersThatReceivedDataOnTheConsent() async throws {
        let h = try await Harness()
        try await h.test { client in
            let made = try await Self.disclose(client, h)
            let withdrawn = try await client.call(
                .post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.body["status"] == "withdrawn")
            // One recall: facturo's; none to recouvra (its data needed no consent), none to a
            // provider that received nothing.
            let opened = try #require(withdrawn.body["recalls"]?.arrayValue)
            #expect(opened.count == 1)
            #expect(opened.first?["provider"] == "facturo")
            #expect(opened.first?["status"] == "open")
            #expect(opened.first?["disclosures"] == 1)
            let id = try #require(opened.first?["id"]?.stringValue)
            #expect(id.hasPrefix("rcl-"))
            let openedIndex = try #require(opened.first?["opened_index"].flatMap { Int64(JSONWriter.string($0)) })

            let recall = try await client.call(.get, "/v1/recalls/\(id)", as: "auditor", h)
            #expect(recall.status == .ok)
            #expect(recall.body["subject"] == "p-9")
            #expect(recall.body["cause"] == "consent-withdrawn")
            #expect(recall.body["consent"] == .string(made.consent))
            let named = try #require(recall.body["disclosures"]?.arrayValue)
            #expect(named.map { $0["ledger_index"] } == [.number(String(made.underConsent))])
            #expect(named.first?["categories"] == ["health.substance_use"])
            #expect(named.first?["tokens"] == ["account_number": .string(made.token)])

            // The opening is a ledger entry naming the recall and the disclosures.
            let entry = try await client.call(.get, "/v1/ledger/entries/\(openedIndex)", as: "auditor", h)
            #expect(entry.body["entry"]?["kind"] == "recall")
            #expect(entry.body["entry"]?["recall"]?["id"] == .string(id))
            #expect(entry.body["entry"]?["recall"]?["step"] == "opened")
            #expect(entry.body["entry"]?["recall"]?["disclosures"] == [.number(String(made.underConsent))])

            // Withdrawing again opens nothing more and answers the same recall.
            let again = try await client.call(
                .post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            #expect(again.body["recalls"]?.arrayValue?.map { $0["id"] } == [.string(id)])
            let all = try await client.call(.get, "/v1/recalls", as: "admin", h)
            #expect(all.body["recalls"]?.arrayValue?.count == 1)
        }
    }

    @Test func aConsentNoDisclosureRestedOnOpensNoRecall() async throws {
        let h = try await Harness()
        try await h.test { client in
            let consent = try await client.call(.post, "/v1/subjects/p-9/consents", as: "consent-manager", h, json: Self.grant)
            let cid = try #require(consent.body["id"]?.stringValue)
            // Data left to facturo, under its BAA only.
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Sample.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-9"))
            #expect(r.status == .ok)
            let withdrawn = try await client.call(.post, "/v1/subjects/p-9/consents/\(cid)/withdraw", as: "consent-manager", h)
            #expect(withdrawn.body["recalls"] == [])
            let all = try await client.call(.get, "/v1/recalls", as: "admin", h)
            #expect(all.body["recalls"] == [])
        }
    }

    @Test func onlyTheRecallsProviderAcknowledgesItAndTheAccountingShowsIt() async throws {
        let h = try await Harness()
        try await h.test { client in
            let made = try await Self.disclose(client, h)
            let withdrawn = try await client.call(
                .post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            let id = try #require(withdrawn.body["recalls"]?[0]?["id"]?.stringValue)

            // The provider sees its own recall, never the subject's id; another provider sees none.
            let own = try await client.call(.get, "/v1/recalls?status=open", as: "provider:facturo", h)
            #expect(own.body["recalls"]?.arrayValue?.map { $0["id"] } == [.string(id)])
            #expect(own.body["recalls"]?[0]?["subject"] == nil)
            #expect(!JSONWriter.string(own.body).contains("p-9"))
            let other = try await client.call(.get, "/v1/recalls", as: "provider:recouvra", h)
            #expect(other.body["recalls"] == [])
            let peek = try await client.call(.get, "/v1/recalls/\(id)", as: "provider:recouvra", h)
            #expect(peek.status == .forbidden)

            // Another provider, an admin, a consent manager: refused, and nothing is recorded.
            let size = try await h.store.entryCount()
            for role in ["provider:recouvra", "admin", "consent-manager", "auditor"] {
                let refused = try await client.call(.post, "/v1/recalls/\(id)/acknowledge", as: role, h)
                #expect(refused.status == .forbidden, "\(role)")
                #expect(refused.body["type"] == "urn:discreet:problem:forbidden")
            }
            #expect(try await h.store.entryCount() == size)
            let none = try await client.call(.post, "/v1/recalls/rcl-nothing/acknowledge", as: "provider:facturo", h)
            #expect(none.status == .notFound)

            h.advance(seconds: 3600)
            let acknowledged = try await client.call(.post, "/v1/recalls/\(id)/acknowledge", as: "provider:facturo", h)
            #expect(acknowledged.status == .ok)
            #expect(acknowledged.body["status"] == "acknowledged")
            #expect(acknowledged.body["acknowledged_at"] == "2026-06-01T10:00:00Z")
            let index = try #require(acknowledged.body["acknowledged_index"].flatMap { Int64(JSONWriter.string($0)) })
            #expect(index == size)
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            #expect(entry.body["entry"]?["recall"]?["step"] == "acknowledged")
            #expect(entry.body["entry"]?["recall"]?["key_id"] != nil)
            // Again: nothing more is recorded.
            let twice = try await client.call(.post, "/v1/recalls/\(id)/acknowledge", as: "provider:facturo", h)
            #expect(twice.status == .ok)
            #expect(try await h.store.entryCount() == size + 1)
            let listed = try await client.call(.get, "/v1/recalls?status=acknowledged", as: "auditor", h)
            #expect(listed.body["recalls"]?.arrayValue?.count == 1)
            let open = try await client.call(.get, "/v1/recalls?status=open", as: "auditor", h)
            #expect(open.body["recalls"] == [])

            // The accounting marks the recalled disclosure, and it alone; the recall's own entries
            // are not disclosures.
            let accounting = try await client.call(.get, "/v1/subjects/p-9/disclosures", as: "auditor", h)
            let rows = try #require(accounting.body["disclosures"]?.arrayValue)
            #expect(rows.count == 3)
            for row in rows {
                let at = row["ledger_index"].flatMap { Int64(JSONWriter.string($0)) }
                if at == made.underConsent {
                    #expect(row["recalls"]?.arrayValue?.count == 1)
                    #expect(row["recalls"]?[0]?["id"] == .string(id))
                    #expect(row["recalls"]?[0]?["cause"] == "consent-withdrawn")
                    // What was asked back: the consented category, not the whole disclosure.
                    #expect(row["recalls"]?[0]?["categories"] == ["health.substance_use"])
                    #expect(row["recalls"]?[0]?["status"] == "acknowledged")
                    #expect(row["recalls"]?[0]?["acknowledged_at"] == "2026-06-01T10:00:00Z")
                } else {
                    #expect(row["recalls"] == nil)
                }
            }
            let csv = try await client.call(.get, "/v1/subjects/p-9/disclosures?format=csv", as: "auditor", h)
            let lines = try #require(csv.body.stringValue).split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines.filter { $0.hasSuffix(",acknowledged \(id) (health.substance_use)") }.count == 1)
            let html = try await client.call(.get, "/v1/subjects/p-9/disclosures?format=html", as: "auditor", h)
            let page = try #require(html.body.stringValue)
            #expect(page.components(separatedBy: "<strong>Recalled</strong>").count == 2)
            #expect(page.contains("The recipient confirmed on"))
            #expect(page.contains("since the consent it was given on was withdrawn"))
        }
    }

    @Test func badQueriesAreNamed() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.get, "/v1/recalls?status=closed", as: "admin", h)
            #expect(r.status == .badRequest)
            #expect(r.body["parameter"] == "status")
            #expect(r.body["detail"]?.stringValue?.contains("closed") == false)
            let missing = try await client.call(.get, "/v1/recalls/rcl-none", as: "admin", h)
            #expect(missing.status == .notFound)
            let anonymous = try await client.call(.get, "/v1/recalls", as: nil, h)
            #expect(anonymous.status == .unauthorized)
            let discloser = try await client.call(.get, "/v1/recalls", as: "discloser", h)
            #expect(discloser.status == .forbidden)
        }
    }
}

/// A consent's expiry recalls like its withdrawal; an erasure recalls everything that left.
@Suite struct RecallEndingTests {
    @Test func anExpiredConsentIsRecalledOnceAndItsLaterWithdrawalAddsNothing() async throws {
        let h = try await Harness()
        let made = try await h.app.test(.router) { client in try await RecallTests.disclose(client, h) }
        let dispatcher = RecallDispatcher(services: h.services, logger: Logger(label: "test"))
        // Before the expiry (2027-05-01): nothing.
        #expect(await dispatcher.sweepExpired() == 0)
        h.clock.value.withLock { $0 = RFC3339.parse("2027-05-01T00:00:00Z")! }
        #expect(await dispatcher.sweepExpired() == 1)
        #expect(await dispatcher.sweepExpired() == 0)
        try await h.test { client in
            let listed = try await client.call(.get, "/v1/recalls", as: "auditor", h)
            let recall = try #require(listed.body["recalls"]?.arrayValue?.first)
            #expect(listed.body["recalls"]?.arrayValue?.count == 1)
            #expect(recall["cause"] == "consent-expired")
            #expect(recall["consent"] == .string(made.consent))
            #expect(recall["provider"] == "facturo")
            #expect(recall["disclosures"]?.arrayValue?.map { $0["ledger_index"] } == [.number(String(made.underConsent))])
            let index = try #require(recall["opened_index"].flatMap { Int64(JSONWriter.string($0)) })
            let entry = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            #expect(entry.body["entry"]?["recall"]?["cause"] == "consent-expired")
            // Withdrawn after it expired: the same recall, no second one.
            let withdrawn = try await client.call(
                .post, "/v1/subjects/p-9/consents/\(made.consent)/withdraw", as: "consent-manager", h)
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.body["recalls"]?.arrayValue?.map { $0["id"] } == [recall["id"]])
            let again = try await client.call(.get, "/v1/recalls", as: "auditor", h)
            #expect(again.body["recalls"]?.arrayValue?.count == 1)
        }
    }

    @Test func anErasureRecallsWhatLeftToEveryProviderAndThenOnlyWhatIsNew() async throws {
        let h = try await Harness()
        try await h.test { client in
            let made = try await RecallTests.disclose(client, h)
            let refused = try await client.call(.post, "/v1/subjects/p-9/erasure", as: "discloser", h)
            #expect(refused.status == .forbidden)
            let erased = try await client.call(.post, "/v1/subjects/p-9/erasure", as: "consent-manager", h)
            #expect(erased.status == .ok)
            #expect(erased.body["subject"] == "p-9")
            let opened = try #require(erased.body["recalls"]?.arrayValue)
            #expect(opened.map { $0["provider"] } == ["facturo", "recouvra"])
            #expect(opened.map { $0["disclosures"] } == [2, 1])
            let facturo = try await client.call(.get, "/v1/recalls/\(opened[0]["id"]!.stringValue!)", as: "auditor", h)
            #expect(facturo.body["cause"] == "erasure")
            #expect(facturo.body["consent"] == .null)
            #expect(
                facturo.body["disclosures"]?.arrayValue?.map { $0["ledger_index"] }
                    == [.number(String(made.underConsent)), .number(String(made.agreementOnly))])
            // Everything that left, under any basis: the consented program and the rest.
            #expect(
                facturo.body["disclosures"]?[0]?["categories"] == [
                    "financial.account_number", "health.procedure", "health.substance_use", "identity.name",
                ])

            // Again: nothing new left, nothing opened.
            let again = try await client.call(.post, "/v1/subjects/p-9/erasure", as: "consent-manager", h)
            #expect(again.body["recalls"] == [])
            // A disclosure after it: the next erasure recalls that one alone.
            let later = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Sample.disclosure(provider: "recouvra", purpose: "debt-collection", subject: "p-9"))
            let laterIndex = try #require(later.body["receipt"]?["ledger_index"])
            let next = try await client.call(.post, "/v1/subjects/p-9/erasure", as: "consent-manager", h)
            let one = try #require(next.body["recalls"]?.arrayValue)
            #expect(one.map { $0["provider"] } == ["recouvra"])
            let recall = try await client.call(.get, "/v1/recalls/\(one[0]["id"]!.stringValue!)", as: "auditor", h)
            #expect(recall.body["disclosures"]?.arrayValue?.map { $0["ledger_index"] } == [laterIndex])
            // The accounting: the consented disclosure names the erasure's recall, the rest too.
            let accounting = try await client.call(.get, "/v1/subjects/p-9/disclosures", as: "auditor", h)
            let marks = accounting.body["disclosures"]?.arrayValue?.map { $0["recalls"]?.arrayValue?.map { $0["cause"] } }
            #expect(marks == [["erasure"], ["erasure"], ["erasure"], ["erasure"]])
            // A subject nothing left about: no recall.
            let nobody = try await client.call(.post, "/v1/subjects/p-nobody/erasure", as: "consent-manager", h)
            #expect(nobody.status == .ok)
            #expect(nobody.body["recalls"] == [])
        }
    }
}
