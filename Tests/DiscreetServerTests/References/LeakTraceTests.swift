import DiscreetJSON
import DiscreetLedger
import DiscreetStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DiscreetServer

/// `POST /v1/trace`: a leaked file's tokens and pseudonyms attributed to the provider each was
/// given to, with the entries that prove it; shared references never attributed; a file with
/// nothing traceable said so; a ledger that does not vouch for an entry refuses the trace.
@Suite struct LeakTraceTests {
    /// Discloses p-1's and p-2's accounts to Recouvra, and p-1's account and national id to
    /// Facturo; returns what each received.
    static func populate(_ h: Harness, _ client: some TestClientProtocol) async throws -> (
        recouvra: [String], facturoToken: String, facturoPseudonym: String
    ) {
        var recouvra: [String] = []
        for subject in ["p-1", "p-2"] {
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: TokenDisclosureTests.disclosure(
                    provider: "recouvra", purpose: "debt-collection", subject: subject, account: "FR76-\(subject)"))
            recouvra.append(try #require(TokenDisclosureTests.token(r)))
        }
        var body = Sample.disclosure(provider: "facturo", purpose: "billing", subject: "p-1").objectValue!
        body["record"] = ["account_number": "FR76-p-1", "national_id": "2840229123456"]
        let f = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(body))
        return (
            recouvra, try #require(f.body["released"]?["account_number"]?.stringValue),
            try #require(f.body["released"]?["national_id"]?.stringValue)
        )
    }

    static func trace(_ client: some TestClientProtocol, _ h: Harness, _ file: String, type: String = "text/csv") async throws
        -> (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields)
    {
        try await client.call(.post, "/v1/trace", as: "auditor", h, raw: file, contentType: type)
    }

    @Test func aFileMixingTwoProvidersReferencesIsAttributedToEachWithProofs() async throws {
        let h = try await Harness()
        try await h.test { client in
            let sent = try await Self.populate(h, client)
            let file = """
                name,account,ssn,note
                Zelda,\(sent.recouvra[0]),,late
                Ana,\(sent.recouvra[1]),,"paid, see \(sent.recouvra[1])"
                Zelda,\(sent.facturoToken),\(sent.facturoPseudonym),
                Bob,tok_aaaaaaaaaaaaaaaaaaaaaaaaaa,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,

                """
            let r = try await Self.trace(client, h, file)
            #expect(r.status == .ok)
            #expect(r.body["candidates"] == 7)
            #expect(r.body["traced"] == 5)
            #expect(r.body["shared"] == [])
            let providers = try #require(r.body["providers"]?.arrayValue)
            #expect(providers.map { $0["provider"] } == ["facturo", "recouvra"])
            let facturo = providers[0]
            #expect(facturo["values"] == 2)
            #expect(facturo["tokens"] == 1)
            #expect(facturo["pseudonyms"] == 1)
            #expect(facturo["subjects"] == ["p-1"])
            #expect(facturo["ledger_indexes"] == [2])
            let recouvra = providers[1]
            #expect(recouvra["values"] == 3)
            #expect(recouvra["references"] == 2)
            #expect(recouvra["subjects"] == ["p-1", "p-2"])
            #expect(recouvra["ledger_indexes"] == [0, 1])
            #expect(recouvra["proofs_omitted"] == 0)

            // Each proof checks, with nothing but hashing, against the signed checkpoint in the report.
            let note = try #require(r.body["checkpoint"]?.stringValue)
            let checkpoint = try Checkpoint.open(note, verifier: Harness.ledgerKey.verifier)
            for proof in (facturo["proofs"]?.arrayValue ?? []) + (recouvra["proofs"]?.arrayValue ?? []) {
                let entry = Array(try #require(proof["entry"]?.stringValue).utf8)
                let leaf = RFC6962.leafHash(entry)
                #expect(proof["leaf_hash"]?.stringValue == Data(leaf).base64EncodedString())
                let path = try #require(proof["proof"]?.arrayValue).map { Array(Data(base64Encoded: $0.stringValue!)!) }
                guard case .number(let n)? = proof["ledger_index"], let index = UInt64(n) else {
                    Issue.record("no ledger index")
                    continue
                }
                try ProofVerifier.verifyInclusion(
                    leafHash: leaf, index: index, size: checkpoint.size, proof: path, root: checkpoint.root)
            }
            #expect((facturo["proofs"]?.arrayValue?.count ?? 0) + (recouvra["proofs"]?.arrayValue?.count ?? 0) == 3)
            // The report names references and entries; the file's own values are not repeated.
            let text = String(decoding: JSONWriter.encode(r.body), as: UTF8.self)
            #expect(!text.contains("Zelda"))
            #expect(!text.contains("paid"))
        }
    }

    @Test func aFileWithNothingTraceableSaysSo() async throws {
        let h = try await Harness()
        try await h.test { client in
            _ = try await Self.populate(h, client)
            for (file, type) in [
                ("name,phone\nZelda,+33699887766\n", "text/csv"),
                (#"{"a":"tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"}"#, "application/json"),
                ("", "text/plain"),
            ] {
                let r = try await Self.trace(client, h, file, type: type)
                #expect(r.status == .ok)
                #expect(r.body["traced"] == 0)
                #expect(r.body["providers"] == [])
                #expect(r.body["summary"]?.stringValue?.hasPrefix("Nothing in this file was traced") == true)
            }
        }
    }

    /// A reference in the index under two providers is reported as shared between them, and
    /// counted for neither.
    @Test func aValueGivenToTwoProvidersIsSharedNotAttributed() async throws {
        let h = try await Harness()
        try await h.test { client in
            let value = String(repeating: "S", count: 43)
            for (n, provider) in ["recouvra", "facturo"].enumerated() {
                let entry = JSONWriter.encode(
                    ["fields": [], "id": .string("dsc-shared-\(n)"), "provider": .string(provider), "subject": "p-1"],
                    sortedKeys: true)
                _ = try await h.store.append(
                    LedgerAppend(
                        disclosureID: "dsc-shared-\(n)", subjectID: "p-1", providerID: provider, purpose: "billing",
                        recordedAt: h.clock.now, entry: entry,
                        references: [ReleasedReference(kind: .pseudonym, field: "national_id", value: value)]))
            }
            let r = try await Self.trace(client, h, "id\n\(value)\n")
            #expect(r.status == .ok)
            #expect(r.body["providers"] == [])
            let shared = try #require(r.body["shared"]?.arrayValue)
            #expect(shared.count == 1)
            #expect(shared.first?["providers"] == ["facturo", "recouvra"])
            #expect(shared.first?["values"] == 1)
            #expect(shared.first?["ledger_indexes"] == [0, 1])
        }
    }

    /// The trace stands on the entries: an entry edited, an entry and its leaf rewritten together
    /// (its proof then fails), or an index row moved to another provider, and the trace is refused.
    @Test(arguments: [
        "UPDATE disclosures SET entry = CAST('{}' AS BLOB) WHERE ledger_index = 1",
        "leaf",
        "UPDATE disclosed_references SET provider_id = 'facturo' WHERE first_index = 0",
    ])
    func aTamperedLedgerRefusesTheTrace(_ sql: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            let sent = try await Self.populate(h, client)
            var statement = sql
            if sql == "leaf" {
                // Everything the entry must show, so that only its proof can fail.
                let forged = Array(
                    #"{"fields":[{"token":"\#(sent.recouvra[1])"}],"provider":"recouvra","subject":"p-2"}"#.utf8)
                let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
                statement =
                    "UPDATE disclosures SET entry = X'\(hex(forged))', leaf_hash = X'\(hex(RFC6962.leafHash(forged)))' WHERE ledger_index = 1"
            }
            try AccountingTests.tamper(h, statement)
            let r = try await Self.trace(client, h, "a\n\(sent.recouvra[0])\n\(sent.recouvra[1])\n")
            #expect(r.status == .serviceUnavailable)
            #expect(r.body["type"] == "urn:discreet:problem:ledger-damaged")
            #expect(r.body["providers"] == nil)
        }
    }

    @Test func onlyAuditorsTraceAndOnlyTextIsRead() async throws {
        let h = try await Harness()
        try await h.test { client in
            for role in ["admin", "discloser", "provider:recouvra"] {
                let r = try await client.call(.post, "/v1/trace", as: role, h, raw: "x", contentType: "text/csv")
                #expect(r.status == .forbidden, "\(role)")
            }
            let r = try await client.call(.post, "/v1/trace", as: "auditor", h, raw: "x", contentType: "application/pdf")
            #expect(r.status == .unsupportedMediaType)
            // No type named (no body, or a body without its type): refused, not traced as empty.
            for body: ByteBuffer? in [nil, ByteBuffer(string: "a,b\n")] {
                let r = try await client.execute(
                    uri: "/v1/trace", method: .post, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"], body: body
                ) { $0.status }
                #expect(r == .unsupportedMediaType)
            }
        }
    }
}

/// The scanner finds references cut anywhere between the pieces it is fed, and only whole ones.
@Suite struct ReferenceScannerTests {
    @Test func referencesCutBetweenPiecesAreFoundWhole() {
        let token = "tok_abcdefghijklmnopqrstuvwxyz"
        let pseudonym = String(repeating: "Ab9_-", count: 8) + "xyz"
        let text = Array("a,\(token),\"\(pseudonym)\"\nacct-\(token);x\(token) \(pseudonym)Q".utf8)
        for cut in 0...text.count {
            var s = ReferenceScanner()
            s.feed(text[..<cut])
            s.feed(text[cut...])
            s.finish()
            // `x` + token is a longer run, not a token; the pseudonym followed by `Q` is 44 long.
            #expect(s.found == [token: 2, pseudonym: 1], "cut at \(cut)")
        }
    }

    @Test func aLongRunKeepsMemoryBoundedAndStillEndsInAToken() {
        var s = ReferenceScanner()
        for _ in 0..<10_000 { s.feed(Array("ABCDEFGH".utf8)) }
        s.feed(Array("-tok_abcdefghijklmnopqrstuvwxyz".utf8))
        s.finish()
        #expect(s.found == ["tok_abcdefghijklmnopqrstuvwxyz": 1])
    }
}
