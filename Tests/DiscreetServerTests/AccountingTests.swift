import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import DiscreetServer

@Suite struct AccountingTests {
    /// Debt collection at 09:00, an emergency at 10:00 the next day, billing two days later.
    static func populate(_ h: Harness, _ client: any TestClientProtocol) async throws {
        _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
        h.advance(seconds: 86_400 + 3600)
        var emergency = Sample.disclosure(provider: "urgences-nord", purpose: "emergency-care").objectValue!
        emergency["exception"] = ["basis": "medical-emergency", "justification": "Unconscious at admission.", "facts": "ER."]
        _ = try await client.call(.post, "/v1/disclosures", as: "exception-officer", h, json: .object(emergency))
        h.advance(seconds: 2 * 86_400)
        _ = try await client.call(
            .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(provider: "facturo", purpose: "billing"))
    }

    /// An auditor's GET, its body as text.
    static func text(_ client: any TestClientProtocol, _ h: Harness, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]) {
            String(buffer: $0.body)
        }
    }

    /// Edits the store behind the service's back, its append-only triggers dropped.
    static func tamper(_ h: Harness, _ sql: String) throws {
        let db = try DatabaseQueue(path: h.store.path)
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER disclosures_append_only_update")
            try db.execute(sql: sql)
        }
    }

    /// The accounting trusts only what it can check: a row moved to this subject from another,
    /// or an entry edited, refuses the answer (`ledger-damaged`) rather than show or drop it.
    @Test(arguments: [
        "UPDATE disclosures SET subject_id = 'p-1' WHERE subject_id = 'p-2'",
        "UPDATE disclosures SET entry = CAST('{}' AS BLOB) WHERE ledger_index = 1",
        "UPDATE disclosures SET entry = CAST('not json' AS BLOB) WHERE ledger_index = 0",
    ])
    func aTamperedEntryRefusesTheAccountingWhole(_ sql: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: "p-2"))
            #expect(try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h).status == .ok)
            try Self.tamper(h, sql)
            for format in ["json", "csv", "html"] {
                let r = try await client.call(.get, "/v1/subjects/p-1/disclosures?format=\(format)", as: "auditor", h)
                #expect(r.status == .serviceUnavailable, "\(format)")
                #expect(r.body["type"] == "urn:discreet:problem:ledger-damaged", "\(format)")
            }
        }
    }

    /// An entry read alone, or matched against a payload, is checked the same way.
    @Test func aTamperedEntryIsNeverServedAsNullOrAsNoMatch() async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            try Self.tamper(h, "UPDATE disclosures SET entry = CAST('not json' AS BLOB) WHERE ledger_index = 0")
            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            #expect(entry.status == .serviceUnavailable)
            #expect(entry.body["type"] == "urn:discreet:problem:ledger-damaged")
            let match = try await client.call(.post, "/v1/ledger/entries/0/match", as: "auditor", h, json: ["name": "x"])
            #expect(match.status == .serviceUnavailable)
            #expect(try await client.call(.get, "/v1/ledger/entries/1", as: "auditor", h).status == .ok)
        }
    }

    @Test func jsonCarriesTheCheckpointAndHonoursScopeAndDates() async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            let all = try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h)
            #expect(all.body["scope"] == "all")
            #expect(all.body["disclosures"]?.arrayValue?.count == 3)
            let note = try #require(all.body["checkpoint"]?.stringValue)
            #expect(try Checkpoint.open(note, verifier: Harness.ledgerKey.verifier).size == 3)
            // HIPAA leaves out payment (debt collection, billing): the emergency disclosure stays.
            let hipaa = try await client.call(.get, "/v1/subjects/p-1/disclosures?scope=hipaa", as: "auditor", h)
            #expect(hipaa.body["disclosures"]?.arrayValue?.map { $0["entry"]?["purpose"] } == ["emergency-care"])
            let day2 = try await client.call(.get, "/v1/subjects/p-1/disclosures?from=2026-06-02&to=2026-06-02", as: "auditor", h)
            #expect(day2.body["disclosures"]?.arrayValue?.map { $0["entry"]?["purpose"] } == ["emergency-care"])
            let before = try await client.call(.get, "/v1/subjects/p-1/disclosures?to=2026-06-01T09:00:00Z", as: "auditor", h)
            #expect(before.body["disclosures"] == [])
            for bad in ["scope=gdpr", "format=pdf", "from=yesterday", "from=2026-06-03&to=2026-06-01"] {
                let r = try await client.call(.get, "/v1/subjects/p-1/disclosures?\(bad)", as: "auditor", h)
                #expect(r.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func csvHasALinePerDisclosure() async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            let text = try await client.execute(
                uri: "/v1/subjects/p-1/disclosures?format=csv", method: .get,
                headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                return String(buffer: response.body)
            }
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 4)
            #expect(lines[0] == AccountingReport.csvHeader)
            #expect(
                lines[1].hasPrefix(
                    "0,2026-06-01T09:00:00Z,recouvra,debt-collection,contact.address;contact.phone;contact.postal_code;"))
            #expect(lines[2].contains(",urgences-nord,emergency-care,"))
            #expect(lines[2].contains("exception:medical-emergency"))
            for v in Sample.values { #expect(!text.contains(v)) }
        }
    }

    @Test func csvNeutralisesFormulasAndQuotes() {
        #expect(AccountingReport.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(AccountingReport.csvField("+33") == "'+33")
        #expect(AccountingReport.csvField("a,b") == "\"a,b\"")
        #expect(AccountingReport.csvField("plain") == "plain")
    }

    @Test func htmlIsPrintableAndEscapesEverything() async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            let html = try await client.execute(
                uri: "/v1/subjects/p-1/disclosures?format=html&scope=all", method: .get,
                headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            #expect(html.contains("<h1>Accounting of disclosures</h1>"))
            #expect(html.components(separatedBy: "<tr><td class=\"when\">").count == 4)
            #expect(html.contains("— discreet.test/ledger "))
            // In the person's words: labels, dates, forms, reasons, bases, and how to check it.
            #expect(html.contains("1 June 2026, 09:00 UTC"))
            #expect(html.contains("Recouvra (a debt collection agency)"))
            #expect(html.contains("<li>your date of birth: the year only</li>"))
            #expect(html.contains("<li>your phone number: masked: only the last 4 characters shown</li>"))
            #expect(html.contains("<li>your diagnosis: no contract with this recipient covers it</li>"))
            #expect(html.contains("the recipient&#39;s contract (recouvra-dpa)"))
            #expect(html.contains("a legal exception: medical emergency (42 CFR 2.51)"))
            #expect(html.contains("<h2>How to check this report</h2>"))
            #expect(!html.contains("identity.birthdate"))
            for v in Sample.values { #expect(!html.contains(v)) }
            let hostile = try await Self.text(
                client, h, "/v1/subjects/%3Cscript%3Ealert(1)%3C%2Fscript%3E/disclosures?format=html")
            // The page's own scripts aside, the subject is text everywhere: escaped in the HTML, and
            // in the embedded receipts with `<` as `\u003c`, so it cannot close their script element.
            #expect(!hostile.contains("<script>alert"))
            #expect(!hostile.contains("</script>alert"))
            #expect(hostile.contains(#""subject":"\u003cscript>alert(1)\u003c/script>""#))
            #expect(hostile.components(separatedBy: "</script>").count == 3)
            #expect(hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(hostile.contains("No disclosure is on record"))
        }
    }

    /// HIPAA's scope says what it leaves out and why, rather than show an empty page.
    @Test func htmlInHipaaScopeSaysWhatItLeavesOutAndWhy() async throws {
        let h = try await Harness()
        try await h.test { client in
            try await Self.populate(h, client)
            let html = try await Self.text(client, h, "/v1/subjects/p-1/disclosures?format=html&scope=hipaa")
            #expect(html.components(separatedBy: "<tr><td class=\"when\">").count == 2)
            #expect(html.contains("This report leaves out 2 disclosures in this period made for"))
            #expect(html.contains("billing your care (1), collecting an unpaid bill (1)"))
            #expect(html.contains("45 CFR 164.528(a)(1)"))
            let all = try await Self.text(client, h, "/v1/subjects/p-1/disclosures?format=html")
            #expect(!all.contains("leaves out"))
        }
    }

    /// The sample report kept in Tests/DiscreetServerTests/Fixtures: rendering fixed rows gives it
    /// byte for byte. (Set DISCREET_WRITE_FIXTURES=1 to regenerate it after a deliberate change.)
    @Test func theSampleReportFixture() throws {
        let t = RFC3339.parse("2026-03-14T10:30:00Z")!
        let rows = [
            AccountingRow(
                index: 41, leafHash: "x", time: t, recipient: "recouvra", purpose: "debt-collection",
                released: ["contact.address", "contact.phone", "financial.amount_due", "identity.birthdate", "identity.name"],
                withheld: ["health.diagnosis"], bases: ["agreement:recouvra-dpa"],
                forms: ["contact.phone": "mask:4", "identity.birthdate": "generalize:year"],
                reasons: ["health.diagnosis": "no-agreement"]),
            AccountingRow(
                index: 57, leafHash: "y", time: t.addingTimeInterval(86_400 * 3), recipient: "urgences-nord",
                purpose: "emergency-care",
                released: ["health.substance_use", "identity.name"], withheld: [], bases: ["exception:medical-emergency"]),
            AccountingRow(
                index: 63, leafHash: "z", time: t.addingTimeInterval(86_400 * 9), recipient: "facturo", purpose: "billing",
                released: [],
                withheld: ["health.substance_use"], bases: [], reasons: ["health.substance_use": "consent-withdrawn"]),
        ]
        let receipts = try Self.sampleReceipts(rows.map { UInt64($0.index) })
        let html = AccountingReport.html(
            subject: "p-1", rows: rows, scope: .all, from: RFC3339.parse("2026-01-01"), until: RFC3339.parse("2026-04-01"),
            generatedAt: RFC3339.parse("2026-04-02T08:00:00Z")!,
            labels: try BundleParser.parse(DemoPolicy.source).labels,
            citations: try BundleParser.parse(DemoPolicy.source).basisCitations, receipts: receipts)
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        let fixture = url.appendingPathComponent("Fixtures/accounting-sample.html")
        if ProcessInfo.processInfo.environment["DISCREET_WRITE_FIXTURES"] == "1" {
            try html.write(to: fixture, atomically: true, encoding: .utf8)
        }
        #expect(html == (try String(contentsOf: fixture, encoding: .utf8)))
    }

    /// Real receipts for the sample: a log of 64 entries, those at `indexes` about p-1, under a
    /// checkpoint the harness's key signs and a fixed witness cosigns at a fixed time.
    static func sampleReceipts(_ indexes: [UInt64]) throws -> ReceiptBundle {
        func entry(_ i: UInt64) -> [UInt8] {
            let subject = indexes.contains(i) ? "p-1" : "p-\(i)"
            return Array(
                #"{"id":"dsc-sample-\#(i)","provider":"recouvra","purpose":"debt-collection","subject":"\#(subject)","time":"2026-03-14T10:30:00Z"}"#
                    .utf8)
        }
        var range = CompactRange()
        var nodes: [NodeID: [UInt8]] = [:]
        for i in UInt64(0)..<64 {
            nodes[NodeID(level: 0, index: i)] = RFC6962.leafHash(entry(i))
            for (id, h) in range.append(leafHash: RFC6962.leafHash(entry(i))) { nodes[id] = h }
        }
        let checkpoint = Checkpoint(origin: Harness.origin, size: 64, root: range.root)
        let witness = CosignerSigningKey(
            name: "witness.example/w1", privateKey: try .init(rawRepresentation: Data(repeating: 7, count: 32)))
        let note =
            try checkpoint.signed(with: Harness.ledgerKey)
            + Cosignature.sign(body: checkpoint.body, time: 1_775_116_800, with: witness)
        let entries = try indexes.map { i in
            ReceiptBundle.Entry(
                index: i, bytes: entry(i),
                proof: try #require(ProofPlan.hashes(of: ProofPlan.inclusion(index: i, size: 64), from: nodes)))
        }
        return ReceiptBundle(
            subject: "p-1", checkpoint: note, entries: entries, logKey: Harness.ledgerKey.verifier.encoded,
            witnessPolicy: "log \(Harness.ledgerKey.verifier.encoded)\nwitness w1 \(witness.verifier.vkey)\nquorum w1\n")
    }
}
