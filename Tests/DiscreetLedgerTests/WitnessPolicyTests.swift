import DiscreetLedger
import Foundation
import Testing

/// The witness policy file (torchwood's and Sigsum's `log`, `witness`, `group`, `quorum`, keys as
/// vkeys): read with each problem's line, and a checkpoint believed only with its quorum.
@Suite struct WitnessPolicyTests {
    let log = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
    let w = (1...3).map { CosignerSigningKey(name: "w\($0).example", privateKey: .init()) }
    let other = CosignerSigningKey(name: "other.example", privateKey: .init())

    var text: String {
        """
        # The clinic's ledger, and the authority's and the bar's witnesses.
        log \(log.verifier.encoded) https://ledger.clinic.example
        witness A \(w[0].verifier.vkey) https://w1.example/
        witness B \(w[1].verifier.vkey)
        witness C \(w[2].verifier.vkey)   # no URL: verification only
        witness D \(other.verifier.vkey)
        group two-of-three 2 A B C
        group strict all two-of-three D
        quorum two-of-three
        """
    }

    func note(cosignedBy keys: [CosignerSigningKey]) throws -> String {
        let checkpoint = Checkpoint(origin: log.name, size: 7, root: RFC6962.emptyRoot)
        var note = try checkpoint.signed(with: log)
        for k in keys { note += try Cosignature.sign(body: checkpoint.body, time: 1_780_000_000, with: k) }
        return note
    }

    @Test func aPolicyIsReadAndItsQuorumEvaluated() throws {
        let p = try WitnessPolicy(text)
        #expect(p.logs.map(\.key) == [log.verifier])
        #expect(p.witnesses.map(\.name) == ["A", "B", "C", "D"])
        #expect(p.witnesses[0].url == "https://w1.example/")
        #expect(p.witnesses[2].url == nil)
        #expect(p.quorum == "two-of-three")
        #expect(p.isSatisfied(by: ["A", "C"]))
        #expect(!p.isSatisfied(by: ["A", "D"]))
        var strict = p
        strict.quorum = "strict"
        #expect(!strict.isSatisfied(by: ["A", "B"]))
        #expect(strict.isSatisfied(by: ["A", "B", "D"]))
        var none = p
        none.quorum = "none"
        #expect(none.isSatisfied(by: []))
    }

    @Test func aCheckpointIsBelievedOnlyWithItsQuorum() throws {
        let p = try WitnessPolicy(text)
        let two = try #require(p.verify(try note(cosignedBy: [w[0], w[2]])))
        #expect(two.cosigned == ["A", "C"])
        #expect(two.quorumMet)
        #expect(two.checkpoint.size == 7)
        let one = try #require(p.verify(try note(cosignedBy: [w[1], other])))
        #expect(one.cosigned == ["B", "D"])
        #expect(!one.quorumMet)
        // A cosignature changed by one byte does not count, and is named as failed.
        var lines = try note(cosignedBy: [w[0], w[2]]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = lines.count - 2
        var blob = Array(Data(base64Encoded: String(lines[last].split(separator: " ")[2]))!)
        blob[20] ^= 1
        lines[last] = "— w3.example \(Data(blob).base64EncodedString())"
        let tampered = try #require(p.verify(lines.joined(separator: "\n")))
        #expect(tampered.cosigned == ["A"])
        #expect(tampered.failed == ["C"])
        #expect(!tampered.quorumMet)
        // Signed by a log the policy does not name: not a checkpoint it believes at all.
        let stranger = NoteSigningKey(name: log.name, privateKey: .init())
        #expect(p.verify(try Checkpoint(origin: log.name, size: 7, root: RFC6962.emptyRoot).signed(with: stranger)) == nil)
    }

    @Test(arguments: [
        ("quorum two-of-three", "quorum nobody", 9),
        ("quorum two-of-three", "quorum A\nquorum B", 10),
        ("quorum two-of-three", "", 0),
        ("group two-of-three 2 A B C", "group two-of-three 4 A B C", 7),
        ("group two-of-three 2 A B C", "group two-of-three 0 A B C", 7),
        ("group two-of-three 2 A B C", "group two-of-three 2 A B E", 7),
        ("group two-of-three 2 A B C", "group two-of-three 2 A A C", 7),
        ("group two-of-three 2 A B C", "group A 2 A B C", 7),
        ("witness B", "witness A", 4),
        ("witness B", "wittness B", 4),
        ("https://w1.example/", "ftp://w1.example/", 3),
    ])
    func eachProblemIsNamedWithItsLine(_ old: String, _ new: String, _ line: Int) {
        #expect(throws: WitnessPolicy.Problem.self) { try WitnessPolicy(text.replacingOccurrences(of: old, with: new)) }
        do {
            _ = try WitnessPolicy(text.replacingOccurrences(of: old, with: new))
        } catch {
            #expect(error.line == line, "\(error)")
        }
    }

    @Test func keysOfTheWrongKindAreRefused() {
        // A witness's vkey where a log's belongs, and the other way round.
        let swapped = text.replacingOccurrences(of: log.verifier.encoded, with: w[0].verifier.vkey)
        #expect(throws: WitnessPolicy.Problem(line: 2, message: "expected: log <vkey of type 0x01> [<url>]")) {
            try WitnessPolicy(swapped)
        }
        let asLog = NoteVerifierKey(name: w[1].name, publicKey: w[1].privateKey.publicKey).encoded
        #expect(throws: WitnessPolicy.Problem.self) {
            try WitnessPolicy(text.replacingOccurrences(of: w[1].verifier.vkey, with: asLog))
        }
    }
}
