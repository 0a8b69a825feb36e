import Crypto
import DiscreetJSON
import DiscreetLedger
import Foundation
import Testing

/// A receipt bundle verifies offline with the log's key (and a witness policy), and fails when
/// any byte of an entry, a proof, the log's signature or a cosignature is changed.
@Suite struct ReceiptBundleTests {
    static let logKey = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
    static let witnessKey = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())

    static func entryBytes(_ i: Int) -> [UInt8] {
        let subject = i % 3 == 0 ? "p-2" : "p-1"
        return Array(
            #"{"id":"dsc-\#(i)","provider":"recouvra","purpose":"debt-collection","subject":"\#(subject)","time":"2026-03-14T10:30:00Z"}"#
                .utf8)
    }

    /// A log of `n` entries; a bundle of p-1's under its checkpoint, cosigned by the witness.
    static func bundle(_ n: Int = 11) throws -> ReceiptBundle {
        var range = CompactRange()
        var nodes: [NodeID: [UInt8]] = [:]
        for i in 0..<n {
            for (id, h) in range.append(leafHash: RFC6962.leafHash(entryBytes(i))) { nodes[id] = h }
        }
        for i in 0..<n { nodes[NodeID(level: 0, index: UInt64(i))] = RFC6962.leafHash(entryBytes(i)) }
        let checkpoint = Checkpoint(origin: logKey.name, size: UInt64(n), root: range.root)
        let note =
            try checkpoint.signed(with: logKey) + Cosignature.sign(body: checkpoint.body, time: 1_780_000_000, with: witnessKey)
        let entries = try (0..<n).filter { $0 % 3 != 0 }.map { i in
            let proof = try #require(ProofPlan.hashes(of: ProofPlan.inclusion(index: UInt64(i), size: UInt64(n)), from: nodes))
            return ReceiptBundle.Entry(index: UInt64(i), bytes: entryBytes(i), proof: proof)
        }
        return ReceiptBundle(
            subject: "p-1", checkpoint: note, entries: entries, logKey: logKey.verifier.encoded, witnessPolicy: nil)
    }

    static var policy: WitnessPolicy {
        get throws {
            try WitnessPolicy("log \(logKey.verifier.encoded)\nwitness w1 \(witnessKey.verifier.vkey)\nquorum w1\n")
        }
    }

    @Test func anUntouchedBundleHoldsAndSurvivesItsJSON() throws {
        let bundle = try Self.bundle()
        let read = try ReceiptBundle(json: JSONWriter.encode(bundle.json))
        #expect(read == bundle)
        let report = read.verify(log: Self.logKey.verifier, policy: try Self.policy)
        #expect(report.holds)
        #expect(report.checkpoint?.size == 11)
        #expect(report.lines.map(\.index) == [1, 2, 4, 5, 7, 8, 10])
        #expect(report.witnesses?.quorumMet == true)
        // Without a policy, the log's signature and the proofs alone.
        #expect(read.verify(log: Self.logKey.verifier, policy: nil).holds)
    }

    @Test func everyByteOfEveryEntryAndProofCounts() throws {
        let bundle = try Self.bundle()
        for (e, entry) in bundle.entries.enumerated() {
            for i in entry.bytes.indices {
                var changed = bundle
                changed.entries[e].bytes[i] ^= 0x01
                let report = changed.verify(log: Self.logKey.verifier, policy: nil)
                #expect(!report.holds)
                #expect(report.lines.filter { $0.failure != nil }.map(\.index) == [entry.index])
            }
            for p in entry.proof.indices {
                for i in entry.proof[p].indices {
                    var changed = bundle
                    changed.entries[e].proof[p][i] ^= 0x80
                    #expect(changed.verify(log: Self.logKey.verifier, policy: nil).lines[e].failure != nil)
                }
            }
            // Another index for the same bytes and proof.
            var moved = bundle
            moved.entries[e].index ^= 1
            #expect(moved.verify(log: Self.logKey.verifier, policy: nil).lines[e].failure != nil)
        }
    }

    @Test func theSignaturesCount() throws {
        let bundle = try Self.bundle()
        let lines = bundle.checkpoint.split(separator: "\n", omittingEmptySubsequences: false)
        // lines: origin, size, root, "", log signature, cosignature, "".
        func changing(line: Int) -> String {
            var l = lines.map(String.init)
            var bytes = Array(l[line].utf8)
            let i = bytes.count - 5
            bytes[i] = bytes[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            l[line] = String(decoding: bytes, as: UTF8.self)
            return l.joined(separator: "\n")
        }
        var signature = bundle
        signature.checkpoint = changing(line: 4)
        let unsigned = signature.verify(log: Self.logKey.verifier, policy: try Self.policy)
        #expect(unsigned.checkpoint == nil)
        #expect(unsigned.lines.allSatisfy { $0.failure == "the checkpoint's signature does not verify" })
        var cosignature = bundle
        cosignature.checkpoint = changing(line: 5)
        let forged = cosignature.verify(log: Self.logKey.verifier, policy: try Self.policy)
        #expect(forged.lines.allSatisfy { $0.failure == nil })
        #expect(forged.witnesses?.failed == ["w1"])
        #expect(!forged.holds)
        // The root or size changed: the log's signature no longer covers it.
        var root = bundle
        root.checkpoint = bundle.checkpoint.replacingOccurrences(of: "\n11\n", with: "\n12\n")
        #expect(root.verify(log: Self.logKey.verifier, policy: nil).checkpoint == nil)
        // Another log's key opens nothing.
        let stranger = NoteSigningKey(name: Self.logKey.name, privateKey: .init()).verifier
        #expect(!bundle.verify(log: stranger, policy: nil).holds)
        // A policy whose witness did not cosign: the proofs hold, the quorum does not.
        let other = CosignerSigningKey(name: "witness.example/w2", privateKey: .init())
        let strict = try WitnessPolicy("log \(Self.logKey.verifier.encoded)\nwitness w2 \(other.verifier.vkey)\nquorum w2\n")
        let unwitnessed = bundle.verify(log: Self.logKey.verifier, policy: strict)
        #expect(unwitnessed.lines.allSatisfy { $0.failure == nil })
        #expect(unwitnessed.witnesses?.quorumMet == false)
        #expect(!unwitnessed.holds)
    }

    @Test func anEntryAboutSomeoneElseIsNamed() throws {
        var bundle = try Self.bundle()
        bundle.subject = "p-2"
        let report = bundle.verify(log: Self.logKey.verifier, policy: nil)
        #expect(report.lines.allSatisfy { $0.failure == "it is not about p-2" })
    }

    @Test func whatIsNotABundleIsSaid() throws {
        let good = JSONWriter.string(try Self.bundle().json)
        let cases: [(String, String)] = [
            ("[]", "not a JSON object"),
            (good.replacingOccurrences(of: "discreet-receipts/v1", with: "v0"), "format is not discreet-receipts/v1"),
            (
                good.replacingOccurrences(of: "\"checkpoint\"", with: "\"checkpoints\""),
                "subject, checkpoint, log_key and entries are required"
            ),
            (
                good.replacingOccurrences(of: "\"ledger_index\":1,", with: "\"ledger_index\":-1,"),
                "entries[0]: ledger_index, entry (base64) and proof are required"
            ),
        ]
        for (text, message) in cases {
            #expect(throws: ReceiptBundle.Malformed(description: message)) { try ReceiptBundle(json: Array(text.utf8)) }
        }
    }
}
