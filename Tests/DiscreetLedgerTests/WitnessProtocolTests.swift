import Crypto
import DiscreetLedger
import Foundation
import Testing

/// C2SP tlog-cosignature (Ed25519, `cosignature/v1`) and tlog-witness's `add-checkpoint`: the
/// formats as the specs write them, and every answer the witness protocol defines.
@Suite struct WitnessProtocolTests {
    static let specBody = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

    @Test func theSignedMessageIsTheSpecsByteForByte() {
        let message = Cosignature.message(body: Self.specBody, time: 1_679_315_147)
        #expect(
            String(decoding: message, as: UTF8.self)
                == "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        )
        // The spec's example cosignature carries that time after its 4-byte key ID, big-endian.
        let blob = Data(
            base64Encoded:
                "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==")!
        #expect(blob.count == 4 + 8 + 64)
        #expect(Array(blob)[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == 1_679_315_147)
    }

    @Test func aCosignatureVerifiesAndAnyChangeFailsIt() throws {
        let key = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())
        let line = try Cosignature.sign(body: Self.specBody, time: 1_679_315_147, with: key)
        #expect(line.hasPrefix("— witness.example/w1 "))
        let note = Self.specBody + "\n— example.com/behind-the-sofa AAAA\n" + line
        #expect(try Cosignature.verify(note: note, key: key.verifier) == 1_679_315_147)
        // Another witness's key: its line is not there.
        let other = CosignerSigningKey(name: "witness.example/w2", privateKey: .init())
        #expect(throws: Cosignature.Failure.noCosignatureFromKey) { try Cosignature.verify(note: note, key: other.verifier) }
        // One character of the body changed: the signature fails.
        let forged = note.replacingOccurrences(of: "20852163", with: "20852164")
        #expect(throws: Cosignature.Failure.badSignature) { try Cosignature.verify(note: forged, key: key.verifier) }
        // The time changed: fails too.
        var blob = Array(Data(base64Encoded: String(line.dropFirst("— witness.example/w1 ".count).dropLast()))!)
        blob[11] ^= 1
        let retimed = Self.specBody + "\n— witness.example/w1 \(Data(blob).base64EncodedString())\n"
        #expect(throws: Cosignature.Failure.badSignature) { try Cosignature.verify(note: retimed, key: key.verifier) }
    }

    @Test func aWitnessKeyReadsAndWritesAsAVkeyOfType4() throws {
        let key = CosignerSigningKey(name: "witness.example/w1", privateKey: .init()).verifier
        #expect(CosignerKey(vkey: key.vkey) == key)
        let parts = key.vkey.split(separator: "+", maxSplits: 2)
        #expect(Data(base64Encoded: String(parts[2]))?.first == 0x04)
        // A log's key (type 0x01), a wrong key ID, a name with a space: refused.
        let log = NoteVerifierKey(name: "witness.example/w1", publicKey: key.publicKey)
        #expect(CosignerKey(vkey: log.encoded) == nil)
        #expect(CosignerKey(vkey: "witness.example/w1+00000000+" + String(parts[2])) == nil)
        #expect(CosignerKey(vkey: "a b+" + parts[1] + "+" + parts[2]) == nil)
    }

    @Test func theSpecsRequestReadsAndWritesBackByteForByte() throws {
        let body = """
            old 20852014
            PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
            jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
            5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
            /6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

            example.com/behind-the-sofa
            20852163
            CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

            — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=

            """
        let request = try #require(AddCheckpoint(body: Array(body.utf8)))
        #expect(request.oldSize == 20_852_014)
        #expect(request.proof.count == 4)
        #expect(WitnessVerdict.origin(of: request.note) == "example.com/behind-the-sofa")
        #expect(request.body == body)
        for bad in [
            "old 01\n\nx\n", "old -1\n\nx\n", "new 1\n\nx\n", "old 1\nnot base64\n\nx\n", "old 1\nAAAA\n\nx\n", "old 1\n",
            "old 0\n" + String(repeating: "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n", count: 64) + "\nx\n",
        ] {
            #expect(AddCheckpoint(body: Array(bad.utf8)) == nil, "\(bad.prefix(20))")
        }
    }

    /// A log of `n` leaves: its signed checkpoint and its root.
    static func log(_ n: Int, key: NoteSigningKey, salt: String = "") throws -> (note: String, checkpoint: Checkpoint) {
        var range = CompactRange()
        for i in 0..<n { _ = range.append(leafHash: RFC6962.leafHash(Array("entry \(i)\(salt)".utf8))) }
        let checkpoint = Checkpoint(origin: key.name, size: UInt64(n), root: range.root)
        return (try checkpoint.signed(with: key), checkpoint)
    }

    static func proof(from m: Int, to n: Int) -> [[UInt8]] {
        var range = CompactRange()
        var nodes: [NodeID: [UInt8]] = [:]
        for i in 0..<n {
            for (id, h) in range.append(leafHash: RFC6962.leafHash(Array("entry \(i)".utf8))) { nodes[id] = h }
        }
        let ranges = ProofPlan.consistency(from: UInt64(m), to: UInt64(n))
        return ProofPlan.hashes(of: ranges, from: nodes)!
    }

    @Test func everyAnswerOfTheProtocol() throws {
        let key = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
        let keys = [key.verifier]
        let (five, c5) = try Self.log(5, key: key)
        let (nine, c9) = try Self.log(9, key: key)
        let latest5 = WitnessVerdict.Latest(size: 5, root: c5.root)

        // First time: old 0, no proof.
        #expect(WitnessVerdict.judge(AddCheckpoint(oldSize: 0, proof: [], note: five), keys: keys, latest: nil) == .cosign(c5))
        // Growth with a good proof; with a proof of other leaves.
        let grow = AddCheckpoint(oldSize: 5, proof: Self.proof(from: 5, to: 9), note: nine)
        #expect(WitnessVerdict.judge(grow, keys: keys, latest: latest5) == .cosign(c9))
        var bad = grow
        bad.proof[0][0] ^= 1
        #expect(WitnessVerdict.judge(bad, keys: keys, latest: latest5) == .inconsistent)
        // The same checkpoint again: cosigned; another root of the same size (a fork): 409.
        #expect(
            WitnessVerdict.judge(AddCheckpoint(oldSize: 5, proof: [], note: five), keys: keys, latest: latest5) == .cosign(c5))
        let (fork, _) = try Self.log(5, key: key, salt: "forked")
        #expect(
            WitnessVerdict.judge(AddCheckpoint(oldSize: 5, proof: [], note: fork), keys: keys, latest: latest5)
                == .fork(latestSize: 5))
        // A stale old size: 409 with the size the witness holds.
        #expect(
            WitnessVerdict.judge(AddCheckpoint(oldSize: 0, proof: [], note: nine), keys: keys, latest: latest5)
                == .conflict(latestSize: 5))
        // Old beyond the checkpoint: 400. Unknown origin: 404. Signed by another key: 403.
        #expect(
            WitnessVerdict.judge(AddCheckpoint(oldSize: 6, proof: [], note: five), keys: keys, latest: latest5) == .badRequest)
        #expect(WitnessVerdict.judge(AddCheckpoint(oldSize: 0, proof: [], note: five), keys: [], latest: nil) == .unknownOrigin)
        let stranger = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
        let (forged, _) = try Self.log(5, key: stranger)
        #expect(WitnessVerdict.judge(AddCheckpoint(oldSize: 0, proof: [], note: forged), keys: keys, latest: nil) == .forbidden)
        // A first submission with a proof: nothing to be consistent with, so 422.
        #expect(
            WitnessVerdict.judge(
                AddCheckpoint(oldSize: 0, proof: Self.proof(from: 5, to: 9), note: nine), keys: keys, latest: nil)
                == .inconsistent)
    }
}
