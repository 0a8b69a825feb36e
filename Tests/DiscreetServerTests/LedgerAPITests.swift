import DiscreetJSON
import DiscreetLedger
import Foundation
import HummingbirdTesting
import Testing

/// The ledger as an auditor outside the project sees it: HTTP, the published key, and the Merkle
/// target's verifier, nothing else.
@Suite struct LedgerAPITests {
    static func b64(_ v: JSONValue?) -> [UInt8] { Array(Data(base64Encoded: v?.stringValue ?? "") ?? Data()) }

    @Test func everyReceiptIsProvableAgainstASignedCheckpoint() async throws {
        let h = try await Harness()
        try await h.test { client in
            let keys = try await client.call(.get, "/.well-known/discreet-keys", as: nil, h)
            let encoded = try #require(keys.body["keys"]?[0]?["verifier_key"]?.stringValue, "\(keys.body)")
            let verifier = try #require(NoteVerifierKey(encoded: encoded))
            var receipts: [(UInt64, [UInt8], Checkpoint)] = []
            for i in 0..<13 {
                let r = try await client.call(
                    .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: "p-\(i % 3)"))
                let receipt = try #require(r.body["receipt"])
                let note = try #require(receipt["checkpoint"]?.stringValue)
                let checkpoint = try Checkpoint.open(note, verifier: verifier)
                guard case .number(let n)? = receipt["ledger_index"], let index = UInt64(n) else {
                    Issue.record("no ledger index")
                    return
                }
                #expect(index == UInt64(i))
                #expect(checkpoint.size > index)
                #expect(checkpoint.origin == Harness.origin)
                receipts.append((index, Self.b64(receipt["leaf_hash"]), checkpoint))
            }
            for (index, leaf, checkpoint) in receipts {
                let p = try await client.call(
                    .get, "/v1/ledger/proof/inclusion?index=\(index)&size=\(checkpoint.size)", as: "auditor", h)
                #expect(Self.b64(p.body["leaf_hash"]) == leaf)
                let proof = (p.body["proof"]?.arrayValue ?? []).map { Self.b64($0) }
                try ProofVerifier.verifyInclusion(
                    leafHash: leaf, index: index, size: checkpoint.size, proof: proof, root: checkpoint.root)
            }
            // The newest checkpoint extends every earlier one.
            let latestNote = try await client.execute(
                uri: "/v1/ledger/checkpoint", method: .get, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { String(buffer: $0.body) }
            let latest = try Checkpoint.open(latestNote, verifier: verifier)
            #expect(latest.size == 13)
            for (_, _, earlier) in receipts where earlier.size < latest.size {
                let c = try await client.call(
                    .get, "/v1/ledger/proof/consistency?from=\(earlier.size)&to=\(latest.size)", as: "auditor", h)
                let proof = (c.body["proof"]?.arrayValue ?? []).map { Self.b64($0) }
                try ProofVerifier.verifyConsistency(
                    size1: earlier.size, size2: latest.size, root1: earlier.root, root2: latest.root, proof: proof)
            }
            // An entry read back hashes to its leaf.
            let e = try await client.call(.get, "/v1/ledger/entries/4", as: "auditor", h)
            let bytes = JSONWriter.encode(try #require(e.body["entry"]), sortedKeys: true)
            #expect(RFC6962.leafHash(bytes) == receipts[4].1)
        }
    }

    @Test func anAuditorCanTellWhetherAPayloadIsTheOneReleased() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            let released = try #require(r.body["released"])
            let same = try await client.call(.post, "/v1/ledger/entries/0/match", as: "auditor", h, json: released)
            #expect(same.body["matches"] == true)
            var altered = released.objectValue!
            altered["phone"] = "+33699887766"
            let other = try await client.call(.post, "/v1/ledger/entries/0/match", as: "auditor", h, json: .object(altered))
            #expect(other.body["matches"] == false)
            // Member order does not matter: the digest is over canonical JSON.
            let reordered = JSONObject(released.objectValue!.members.reversed().map { ($0.key, $0.value) })
            #expect(
                try await client.call(.post, "/v1/ledger/entries/0/match", as: "auditor", h, json: .object(reordered)).body[
                    "matches"] == true)
        }
    }

    @Test func proofQueriesAreChecked() async throws {
        let h = try await Harness()
        try await h.test { client in
            _ = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            for query in ["index=1", "index=0&size=2", "index=0&size=0", "index=%2D1", "index=99999999999999999999"] {
                let r = try await client.call(.get, "/v1/ledger/proof/inclusion?\(query)", as: "auditor", h)
                #expect(r.status == .badRequest, "\(query)")
                #expect(r.body["type"] == "urn:discreet:problem:invalid-query")
            }
            #expect(
                try await client.call(.get, "/v1/ledger/proof/consistency?from=2&to=1", as: "auditor", h).status == .badRequest)
            let single = try await client.call(.get, "/v1/ledger/proof/inclusion?index=0&size=1", as: "auditor", h)
            #expect(single.body["proof"] == [])
        }
    }
}
