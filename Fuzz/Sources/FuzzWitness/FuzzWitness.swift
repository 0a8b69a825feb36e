import DiscreetLedger
import Foundation

/// Bytes as a witness receives them from anyone: an add-checkpoint request, a policy file, a
/// cosigned note. Reading never traps; a request read back from its own writing is the same
/// request; a note no key signed is never cosigned, and no policy believes it.
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
    }
    return 0
}
