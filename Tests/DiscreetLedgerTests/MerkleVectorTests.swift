import DiscreetLedger
import Foundation
import Testing

/// Every RFC 6962 proof vector (transparency-dev/merkle's, vendored with their LICENSE in
/// Fixtures/merkle so a bare clone runs them): each `wantErr: false` accepted, each
/// `wantErr: true` refused.
@Suite struct MerkleVectorTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/merkle")
    }()

    /// The vector files of one kind. When there are none, one path that cannot be read, so that
    /// the parameterised test fails instead of running no case.
    static func vectors(_ kind: String) -> [String] {
        let base = root.appendingPathComponent(kind)
        let all = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
        let found = all.filter { $0.hasSuffix(".json") }.sorted().map { base.appendingPathComponent($0).path }
        return found.isEmpty ? [base.appendingPathComponent("(no vectors found)").path] : found
    }

    static func load(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func bytes(_ any: Any?) -> [UInt8] {
        guard let s = any as? String, let d = Data(base64Encoded: s) else { return [] }
        return Array(d)
    }

    static func uint(_ any: Any?) -> UInt64 {
        if let n = any as? NSNumber { return n.int64Value < 0 ? UInt64.max : n.uint64Value }
        return 0
    }

    @Test func thereAreVectors() {
        #expect(Self.vectors("inclusion").count == 98)
        #expect(Self.vectors("consistency").count == 98)
    }

    @Test(arguments: vectors("inclusion"))
    func inclusion(_ path: String) throws {
        let v = try Self.load(path)
        let want = v["wantErr"] as? Bool ?? true
        let proof = (v["proof"] as? [Any] ?? []).map(Self.bytes)
        let result = Result { () throws(ProofVerifier.Failure) in
            try ProofVerifier.verifyInclusion(
                leafHash: Self.bytes(v["leafHash"]), index: Self.uint(v["leafIdx"]), size: Self.uint(v["treeSize"]), proof: proof,
                root: Self.bytes(v["root"]))
        }
        if want {
            #expect(throws: ProofVerifier.Failure.self, "\(path) should be refused") { try result.get() }
        } else {
            #expect(throws: Never.self, "\(path) should be accepted") { try result.get() }
        }
    }

    @Test(arguments: vectors("consistency"))
    func consistency(_ path: String) throws {
        let v = try Self.load(path)
        let want = v["wantErr"] as? Bool ?? true
        let proof = (v["proof"] as? [Any] ?? []).map(Self.bytes)
        let result = Result { () throws(ProofVerifier.Failure) in
            try ProofVerifier.verifyConsistency(
                size1: Self.uint(v["size1"]), size2: Self.uint(v["size2"]), root1: Self.bytes(v["root1"]),
                root2: Self.bytes(v["root2"]), proof: proof)
        }
        if want {
            #expect(throws: ProofVerifier.Failure.self, "\(path) should be refused") { try result.get() }
        } else {
            #expect(throws: Never.self, "\(path) should be accepted") { try result.get() }
        }
    }
}
