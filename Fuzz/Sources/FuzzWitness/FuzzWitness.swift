import DiscreetJSON
import DiscreetLedger
import Foundation

/// Bytes as a witness receives them from anyone: an add-checkpoint request, a policy file, a
/// cosigned note; and as the log reads a witness's answer, a person reads a receipt bundle, and a
/// tile client asks for a tile. Reading never traps; a request, a bundle or a tile path read back
/// from its own writing is the same; a note no key signed is never cosigned, and no policy, answer
/// or bundle believes it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWitness(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let request = AddCheckpoint(body: bytes) {
        guard AddCheckpoint(body: Array(request.body.utf8)) == request else { fatalError("a request does not read back") }
        // A real log's public key (the fuzzer cannot sign with it).
        let key = NoteVerifierKey(encoded: "discreet.local/ledger+4996ccd6+AedZ4D96eMTTTnmOOtSo946Kgf+GJfcCYotuf5SB+w3t")
        let verdict = WitnessVerdict.judge(request, keys: key.map { [$0] } ?? [], latest: nil)
        if case .cosign = verdict { fatalError("a note no trusted key signed was cosigned") }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let policy = try? WitnessPolicy(text) {
        _ = policy.isSatisfied(by: Set(policy.witnesses.map(\.name)))
        if let verdict = policy.verify(text), verdict.quorumMet, policy.quorum != "none" {
            fatalError("a policy believed a note its witnesses did not sign")
        }
    }
    if let key = CosignerKey(vkey: "fuzz.example/w1+ef15ecb0+BOdZ4D96eMTTTnmOOtSo946Kgf+GJfcCYotuf5SB+w3t") {
        _ = try? Cosignature.verify(note: text, key: key)
        // A witness's answer: no status makes bytes the fuzzer wrote a cosignature.
        let request = AddCheckpoint(oldSize: 3, proof: [], note: "")
        for status in [200, 409, 422, 500] {
            let answer = WitnessAnswer.read(
                status: status, body: bytes, request: request, checkpointSize: 9, checkpointBody: "o\n9\nAA==\n", key: key)
            if case .cosigned = answer { fatalError("unsigned bytes were read as a cosignature") }
        }
    }
    if let bundle = try? ReceiptBundle(json: bytes) {
        guard (try? ReceiptBundle(json: JSONWriter.encode(bundle.json))) == bundle else { fatalError("a bundle does not read back") }
        if let key = NoteVerifierKey(encoded: "discreet.local/ledger+4996ccd6+AedZ4D96eMTTTnmOOtSo946Kgf+GJfcCYotuf5SB+w3t"),
            bundle.verify(log: key, policy: nil).holds, !bundle.entries.isEmpty
        {
            fatalError("a bundle no trusted key signed holds")
        }
    }
    let segments = text.split(separator: "/", omittingEmptySubsequences: false)
    if let tile = TilePath(segments) {
        guard tile.path == text else { fatalError("a tile path that is not canonical was read: \(text)") }
    }
    return 0
}
