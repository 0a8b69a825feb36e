import Crypto
import DiscreetLedger
import Foundation
import Testing

@Suite struct RFC6962Tests {
    /// The vendored vectors' leaf hashes are of the empty entry: SHA-256(0x00).
    @Test func leafHashOfTheEmptyEntryMatchesTheSharedVectors() throws {
        let vector = MerkleVectorTests.root.appendingPathComponent("inclusion/1/happy-path.json")
        let data = try Data(contentsOf: vector)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let encoded = try #require(object["leafHash"] as? String)
        let expected = try #require(Data(base64Encoded: encoded))
        #expect(RFC6962.leafHash([UInt8]()) == Array(expected))
        #expect(
            Data(RFC6962.leafHash([UInt8]())).map { String(format: "%02x", $0) }.joined()
                == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test func prefixesSeparateLeavesFromNodes() {
        let a = RFC6962.leafHash(Array("a".utf8))
        let b = RFC6962.leafHash(Array("b".utf8))
        #expect(a == Array(SHA256.hash(data: [0x00] + Array("a".utf8))))
        #expect(RFC6962.nodeHash(a, b) == Array(SHA256.hash(data: [0x01] + a + b)))
        #expect(RFC6962.nodeHash(a, b) != RFC6962.nodeHash(b, a))
        // A node is never the leaf of its own concatenation.
        #expect(RFC6962.nodeHash(a, b) != RFC6962.leafHash(a + b))
    }
}
