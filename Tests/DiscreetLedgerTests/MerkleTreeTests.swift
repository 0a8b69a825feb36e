import DiscreetLedger
import Testing

/// Proofs planned from subtree ids, assembled from stored subtree hashes, verified by the verifier,
/// for every tree up to 70 leaves, against a naive recursive MTH.
@Suite struct MerkleTreeTests {
    static func leaves(_ n: Int) -> [[UInt8]] { (0..<n).map { RFC6962.leafHash(Array("entry \($0)".utf8)) } }

    /// RFC 6962 §2.1's MTH, written as the RFC writes it.
    static func mth(_ hashes: ArraySlice<[UInt8]>) -> [UInt8] {
        if hashes.isEmpty { return RFC6962.emptyRoot }
        if hashes.count == 1 { return hashes.first! }
        var k = 1
        while k << 1 < hashes.count { k <<= 1 }
        let mid = hashes.startIndex + k
        return RFC6962.nodeHash(mth(hashes[..<mid]), mth(hashes[mid...]))
    }

    /// What the store would hold after appending `n` leaves.
    static func stored(_ leaves: [[UInt8]]) -> (CompactRange, [NodeID: [UInt8]]) {
        var range = CompactRange()
        var nodes: [NodeID: [UInt8]] = [:]
        for leaf in leaves {
            for (id, h) in range.append(leafHash: leaf) { nodes[id] = h }
        }
        return (range, nodes)
    }

    @Test func emptyTreeRoot() {
        #expect(CompactRange().root == RFC6962.emptyRoot)
        #expect(
            RFC6962.emptyRoot.map { String(format: "%02x", $0) }.joined()
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func rootsMatchTheReferenceAndEveryStoredNodeIsAPerfectSubtree() {
        let all = Self.leaves(70)
        for n in 0...70 {
            let (range, nodes) = Self.stored(Array(all.prefix(n)))
            #expect(range.root == Self.mth(all[0..<n]), "root of \(n)")
            #expect(ProofPlan.hash(of: 0..<UInt64(n), from: nodes) == (n == 0 ? RFC6962.emptyRoot : Self.mth(all[0..<n])))
            for (id, h) in nodes { #expect(h == Self.mth(all[Int(id.leaves.lowerBound)..<Int(id.leaves.upperBound)])) }
            #expect(nodes.count == (n == 0 ? 0 : 2 * n - n.nonzeroBitCount))
            // The compact range rebuilds from the stored subtrees alone.
            let ids = ProofPlan.subtrees(0..<UInt64(n))
            #expect(CompactRange(size: UInt64(n), hashes: ids.map { nodes[$0]! }) == range)
        }
    }

    @Test func everyInclusionProofVerifiesAndATamperedOneDoesNot() throws {
        let all = Self.leaves(70)
        let (_, nodes) = Self.stored(all)
        for n in 1...70 {
            let root = Self.mth(all[0..<n])
            for i in 0..<n {
                let ranges = ProofPlan.inclusion(index: UInt64(i), size: UInt64(n))
                let proof = ranges.map { ProofPlan.hash(of: $0, from: nodes)! }
                #expect(proof.count <= 7)
                try ProofVerifier.verifyInclusion(leafHash: all[i], index: UInt64(i), size: UInt64(n), proof: proof, root: root)
                if let first = proof.first {
                    var bad = proof
                    bad[0] = RFC6962.nodeHash(first, first)
                    #expect(throws: ProofVerifier.Failure.self) {
                        try ProofVerifier.verifyInclusion(
                            leafHash: all[i], index: UInt64(i), size: UInt64(n), proof: bad, root: root)
                    }
                }
                #expect(throws: ProofVerifier.Failure.self) {
                    try ProofVerifier.verifyInclusion(
                        leafHash: all[(i + 1) % 70], index: UInt64(i), size: UInt64(n), proof: proof, root: root)
                }
            }
        }
    }

    @Test func everyConsistencyProofVerifies() throws {
        let all = Self.leaves(40)
        let (_, nodes) = Self.stored(all)
        for n in 1...40 {
            for m in 1...n {
                let proof = ProofPlan.consistency(from: UInt64(m), to: UInt64(n)).map { ProofPlan.hash(of: $0, from: nodes)! }
                try ProofVerifier.verifyConsistency(
                    size1: UInt64(m), size2: UInt64(n), root1: Self.mth(all[0..<m]), root2: Self.mth(all[0..<n]), proof: proof)
                if m < n {
                    #expect(throws: ProofVerifier.Failure.self) {
                        try ProofVerifier.verifyConsistency(
                            size1: UInt64(m), size2: UInt64(n), root1: Self.mth(all[1..<(m + 1)]), root2: Self.mth(all[0..<n]),
                            proof: proof)
                    }
                }
            }
        }
    }

    @Test func aProofReadsLogarithmicallyManyNodes() {
        // A tree of a billion leaves: the plan names a handful of stored subtrees.
        let size: UInt64 = 1_000_000_007
        let inclusion = ProofPlan.subtrees(ProofPlan.inclusion(index: 123_456_789, size: size))
        #expect(inclusion.count <= 2 * 30)
        let consistency = ProofPlan.subtrees(ProofPlan.consistency(from: 999_999_999, to: size))
        #expect(consistency.count <= 2 * 30)
        #expect(ProofPlan.subtrees(0..<size).count == size.nonzeroBitCount)
    }
}
