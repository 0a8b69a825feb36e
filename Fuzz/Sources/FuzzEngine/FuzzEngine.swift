import Crypto
import DiscreetJSON
import Foundation

@testable import DiscreetPolicy

let pseudonymizer = Pseudonymizer(serviceSecret: SymmetricKey(data: Data(repeating: 7, count: 32)), providerID: "acme")

/// The first 8 bytes seed a generated bundle, provider, subject, consents and exception, as the
/// differential tests generate them; the rest, when it is a JSON object, is the record (else a
/// generated one). The engine must return or refuse, never trap, and agree with the reference:
/// the same decisions, the same released bytes, the same notices, the same refusal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 8 else { return 0 }
    var g = Generator(seed: bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    let bundle = g.bundle()
    let input = g.input(bundle)
    var record = g.record()
    if case .object(let o)? = try? JSONParser.parse(bytes[8...]) { record = o }
    let engine = DecisionEngine(bundle: bundle)
    let reference = ReferenceEngine(bundle: bundle)
    let got = Result { () throws(RequestRefusal) in
        try engine.disclose(record: record, input: input, pseudonymizer: pseudonymizer)
    }
    let want = Result { () throws(RequestRefusal) in
        try reference.disclose(record: record, input: input, pseudonymizer: pseudonymizer)
    }
    switch (got, want) {
    case (.success(let a), .success(let b)):
        guard a.decisions == b.decisions else { fatalError("decisions differ: \(a.decisions) / \(b.decisions)") }
        guard JSONWriter.encode(.object(a.released)) == JSONWriter.encode(.object(b.released)) else {
            fatalError("released records differ")
        }
        guard a.notices == b.notices else { fatalError("notices differ") }
    case (.failure(let a), .failure(let b)):
        guard a == b else { fatalError("refusals differ: \(a) / \(b)") }
    default:
        fatalError("one refused, the other did not: \(got) / \(want)")
    }
    return 0
}
