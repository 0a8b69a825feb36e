import Crypto
import DiscreetLedger
import Foundation
import Testing

/// The log's reading of a witness's answer: only a verifying cosignature from the witness's key
/// counts, and the answers that may mean another history was shown are told apart from a stale
/// size and from a witness that is down.
@Suite struct WitnessAnswerTests {
    let logKey = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
    let witnessKey = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())

    func request(old: UInt64, size: UInt64 = 9) throws -> (AddCheckpoint, String) {
        let checkpoint = Checkpoint(origin: logKey.name, size: size, root: Array(repeating: 7, count: 32))
        return (AddCheckpoint(oldSize: old, proof: [], note: try checkpoint.signed(with: logKey)), checkpoint.body)
    }

    func read(_ status: Int, _ body: String, old: UInt64 = 5, key: CosignerKey? = nil) throws -> WitnessAnswer {
        let (request, text) = try request(old: old)
        return WitnessAnswer.read(
            status: status, body: Array(body.utf8), request: request, checkpointSize: 9, checkpointBody: text,
            key: key ?? witnessKey.verifier)
    }

    @Test func aCosignatureFromTheWitnessKeyCounts() throws {
        let (_, body) = try request(old: 5)
        let line = try Cosignature.sign(body: body, time: 1_700_000_123, with: witnessKey)
        // Lines of other keys around it are passed over, as the spec requires.
        let other = try Cosignature.sign(body: body, time: 1, with: CosignerSigningKey(name: "other", privateKey: .init()))
        #expect(try read(200, other + line) == .cosigned(line: line, time: 1_700_000_123))
    }

    @Test func anythingElseInA200IsABadCosignature() throws {
        let (_, body) = try request(old: 5)
        let line = try Cosignature.sign(body: body, time: 1_700_000_123, with: witnessKey)
        // The same name with another key, a signature over another checkpoint, a changed byte, nothing.
        let impostor = CosignerKey(name: witnessKey.name, publicKey: Curve25519.Signing.PrivateKey().publicKey)
        #expect(try read(200, line, key: impostor) == .badCosignature)
        let elsewhere = try Cosignature.sign(
            body: body.replacingOccurrences(of: "\n9\n", with: "\n8\n"), time: 1, with: witnessKey)
        #expect(try read(200, elsewhere) == .badCosignature)
        var bytes = Array(line.utf8)
        bytes[bytes.count - 6] = bytes[bytes.count - 6] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(try read(200, String(decoding: bytes, as: UTF8.self)) == .badCosignature)
        #expect(try read(200, "") == .badCosignature)
    }

    @Test func aConflictIsStaleStateOrAnotherHistory() throws {
        // The witness is elsewhere, below the checkpoint: submit again from its size.
        #expect(try read(409, "3\n") == .behind(witnessSize: 3))
        #expect(try read(409, "7\n", old: 0) == .behind(witnessSize: 7))
        // At the size sent (the same size with another root), or beyond the log: another history.
        #expect(try read(409, "5\n") == .fork(witnessSize: 5))
        #expect(try read(409, "10\n") == .fork(witnessSize: 10))
        // Without a size it says nothing usable.
        #expect(try read(409, "conflict\n") == .refused(status: 409))
        #expect(try read(409, "") == .refused(status: 409))
        #expect(try read(409, "99999999999999999999999\n") == .refused(status: 409))
    }

    @Test func theOtherStatuses() throws {
        #expect(try read(422, "the consistency proof does not verify\n") == .inconsistent)
        for status in [400, 403, 404] { #expect(try read(status, "no\n") == .refused(status: status)) }
        for status in [429, 500, 502, 503] { #expect(try read(status, "later\n") == .unavailable(status: status)) }
    }
}
