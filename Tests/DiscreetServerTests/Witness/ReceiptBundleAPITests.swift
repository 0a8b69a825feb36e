import DiscreetJSON
import DiscreetLedger
import DiscreetSQLite
import DiscreetServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Receipt bundles from the service: a subject's disclosures with their proofs under one signed
/// checkpoint (the newest one the witness quorum cosigned, when the service has witnesses), and
/// one disclosure's receipt made a full proof from its index alone.
@Suite struct ReceiptBundleAPITests {
    static func bundle(_ client: some TestClientProtocol, _ h: Harness, _ uri: String) async throws -> (String?, ReceiptBundle) {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]) { r in
            #expect(r.status == .ok, "\(String(buffer: r.body))")
            return (r.headers[.contentType], try ReceiptBundle(json: Array(r.body.readableBytesView)))
        }
    }

    @Test func aSubjectsBundleProvesEachOfItsDisclosuresAndNoOneElses() async throws {
        let h = try await Harness()
        try await h.test { client in
            var indexes: [UInt64] = []
            for subject in ["p-1", "p-2", "p-1", "p-2", "p-1"] {
                let r = try await client.call(
                    .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: subject))
                if subject == "p-1", case .number(let n)? = r.body["receipt"]?["ledger_index"] { indexes.append(UInt64(n)!) }
            }
            let (type, bundle) = try await Self.bundle(client, h, "/v1/subjects/p-1/disclosures?format=bundle")
            #expect(type == "application/vnd.discreet.receipts+json")
            #expect(bundle.subject == "p-1")
            #expect(bundle.entries.map(\.index) == indexes)
            #expect(bundle.logKey == Harness.ledgerKey.verifier.encoded)
            let report = bundle.verify(log: Harness.ledgerKey.verifier, policy: nil)
            #expect(report.holds)
            #expect(report.checkpoint?.size == 5)
            // By Accept, as a typed client asks.
            let negotiated = try await client.execute(
                uri: "/v1/subjects/p-1/disclosures", method: .get,
                headers: [.authorization: "Bearer \(h.keys["auditor"]!)", .accept: "application/vnd.discreet.receipts+json"]
            ) { try ReceiptBundle(json: Array($0.body.readableBytesView)) }
            #expect(negotiated.entries.map(\.index) == indexes)
            // The printable page carries the same receipts for its own check, a proof cell a line.
            let html = try await client.execute(
                uri: "/v1/subjects/p-1/disclosures?format=html", method: .get,
                headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { String(buffer: $0.body) }
            let open = #"<script type="application/json" id="discreet-receipts">"#
            let embedded = try #require(html.components(separatedBy: open).last?.components(separatedBy: "</script>").first)
            let inPage = try ReceiptBundle(json: Array(embedded.utf8))
            #expect(inPage.entries.map(\.index) == indexes)
            #expect(inPage.verify(log: Harness.ledgerKey.verifier, policy: nil).holds)
            for i in indexes { #expect(html.contains(#"<td class="proof" data-index="\#(i)">not checked</td>"#)) }
            // One receipt, upgraded with its index alone.
            let (_, one) = try await Self.bundle(client, h, "/v1/ledger/entries/\(indexes[1])?format=bundle")
            #expect(one.entries.map(\.index) == [indexes[1]])
            #expect(one.verify(log: Harness.ledgerKey.verifier, policy: nil).holds)
            let bad = try await client.call(.get, "/v1/ledger/entries/0?format=pdf", as: "auditor", h)
            #expect(bad.status == .badRequest)
            #expect(bad.body["detail"]?.stringValue == "'format' must be json or bundle.")
            let badAccounting = try await client.call(.get, "/v1/subjects/p-1/disclosures?format=pdf", as: "auditor", h)
            #expect(badAccounting.body["detail"]?.stringValue == "'format' must be json, csv, html or bundle.")
        }
    }

    @Test func theBundlesCheckpointIsTheNewestTheQuorumCosigned() async throws {
        let h = try await Harness()
        let witnessKey = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())
        let store = try WitnessDatabase(directory: NSTemporaryDirectory() + "discreet-witness-" + UUID().uuidString)
        let routes = WitnessRoutes(store: store, key: witnessKey, logs: [Harness.ledgerKey.verifier])
        try await Application(router: routes.router()).test(.live) { witnessClient in
            let url = "http://127.0.0.1:\(try #require(witnessClient.port))"
            let policy = try WitnessPolicy(
                "log \(Harness.ledgerKey.verifier.encoded)\nwitness w1 \(witnessKey.verifier.vkey) \(url)\nquorum w1\n")
            var services = h.services
            services.witnessPolicy = policy
            let submitter = WitnessClient(
                configuration: .init(witnesses: policy.witnesses), store: h.store, metrics: h.services.metrics,
                clock: { h.clock.now }, logger: Logger(label: "test"))
            try await buildApplication(services, logger: Logger(label: "test")).test(.router) { client in
                for subject in ["p-1", "p-2", "p-1"] {
                    _ = try await client.call(
                        .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: subject))
                }
                #expect(await submitter.submitCurrent() == ["w1": .cosigned(size: 3)])
                // The log grows past the witnessed size with someone else's disclosure.
                _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: "p-2"))
                let (_, bundle) = try await Self.bundle(client, h, "/v1/subjects/p-1/disclosures?format=bundle")
                #expect(bundle.witnessPolicy == policy.text)
                let report = bundle.verify(log: Harness.ledgerKey.verifier, policy: policy)
                #expect(report.checkpoint?.size == 3)
                #expect(report.witnesses?.quorumMet == true)
                #expect(report.holds)
                // p-2's newest disclosure is beyond the witnessed size: its bundle takes the newest
                // checkpoint, which the quorum has not cosigned yet, and says so when verified.
                let (_, p2) = try await Self.bundle(client, h, "/v1/subjects/p-2/disclosures?format=bundle")
                let p2Report = p2.verify(log: Harness.ledgerKey.verifier, policy: policy)
                #expect(p2Report.checkpoint?.size == 4)
                #expect(p2Report.lines.allSatisfy { $0.failure == nil })
                #expect(p2Report.witnesses?.quorumMet == false)
            }
        }
    }
}
