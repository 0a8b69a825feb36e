import Crypto
import Foundation
import Testing

@testable import DiscreetServer

/// The payload digest a ledger entry records is what `POST /v1/ledger/entries/{index}/match`
/// recomputes, possibly years later: it must stay HMAC-SHA-256 under the key derived from the
/// service secret, whatever the code does to compute it faster.
@Suite struct PayloadDigestTests {
    let secrets = ServiceSecrets(master: SymmetricKey(data: [UInt8](repeating: 1, count: 32)))

    /// Pinned by Python's `hmac` (key = HMAC(master, "discreet/payload-digest/v1")).
    @Test(arguments: [
        (Array(#"{"a":1}"#.utf8), "6b6e5eca5d71a27b0c6be628906175a80c12e3bba9472b90c714109eb322636b"),
        ([], "b767a928a41ba0a2860fead92d2f84a58494e92548d3b8d14d1a8735c53b5926"),
        (Array(repeating: UInt8(ascii: "x"), count: 1000), "e53db5a69b7546f81e726c25f9560871dc9b1b4df9978db4179e4e7ca12ba0e7"),
    ])
    func isTheRecordedHMAC(_ payload: [UInt8], _ expected: String) {
        #expect(secrets.payloadDigest(payload) == expected)
        // Again, after other payloads: no digest carries state into the next.
        _ = secrets.payloadDigest(Array("other".utf8))
        #expect(secrets.payloadDigest(payload) == expected)
    }

    @Test func concurrentDigestsAgree() async {
        let payloads = (0..<64).map { Array("{\"n\":\($0)}".utf8) }
        let expected = payloads.map { secrets.payloadDigest($0) }
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for (i, p) in payloads.enumerated() { group.addTask { [secrets] in (i, secrets.payloadDigest(p)) } }
            var out = [String](repeating: "", count: payloads.count)
            for await (i, d) in group { out[i] = d }
            return out
        }
        #expect(results == expected)
        #expect(Set(expected).count == payloads.count)
    }
}
