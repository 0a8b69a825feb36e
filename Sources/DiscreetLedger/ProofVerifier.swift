/// Verifies RFC 6962 proofs as RFC 9162 §2.1.3.2 and §2.1.4.2 describe, with the conventions of
/// the shared vectors: every hash is exactly 32 bytes (but two equal sizes need only equal roots),
/// and no consistency proof from an empty tree is accepted. Uses nothing but hashing, so an auditor can run it against any log.
public enum ProofVerifier {
    public enum Failure: Error, Sendable, Equatable {
        case indexOutOfRange
        case badHashLength
        case wrongProofLength
        case rootMismatch
        case treeShrank
        case emptyTree
        case unexpectedProof
    }

    /// Checks that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(
        leafHash: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]], root: [UInt8]
    ) throws(Failure) {
        guard root.count == 32 else { throw .badHashLength }
        let computed = try rootFromInclusion(leafHash: leafHash, index: index, size: size, proof: proof)
        guard computed == root else { throw .rootMismatch }
    }

    /// The root an inclusion proof implies.
    public static func rootFromInclusion(leafHash: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]]) throws(Failure)
        -> [UInt8]
    {
        guard index < size else { throw .indexOutOfRange }
        guard leafHash.count == 32, proof.allSatisfy({ $0.count == 32 }) else { throw .badHashLength }
        let (inner, border) = decompose(index: index, size: size)
        guard proof.count == inner + border else { throw .wrongProofLength }
        let h = chainInner(leafHash, proof[0..<inner], index: index)
        return chainBorderRight(h, proof[inner...])
    }

    /// Checks that the tree of `size2` leaves with `root2` extends the one of `size1` with `root1`.
    public static func verifyConsistency(
        size1: UInt64, size2: UInt64, root1: [UInt8], root2: [UInt8], proof: [[UInt8]]
    ) throws(Failure) {
        guard size1 > 0 else { throw .emptyTree }
        guard size2 >= size1 else { throw .treeShrank }
        // Equal sizes: the same tree, so the same root, byte for byte (the vectors compare roots
        // of any length here), and nothing to prove.
        if size1 == size2 {
            guard proof.isEmpty else { throw .unexpectedProof }
            guard root1 == root2 else { throw .rootMismatch }
            return
        }
        guard root1.count == 32, root2.count == 32, proof.allSatisfy({ $0.count == 32 }) else { throw .badHashLength }
        guard !proof.isEmpty else { throw .wrongProofLength }
        var (inner, border) = decompose(index: size1 - 1, size: size2)
        let shift = size1.trailingZeroBitCount
        inner -= shift
        // The proof starts with the hash of the subtree of size 2^shift, unless size1 is that subtree.
        var seed = proof[0]
        var start = 1
        if size1 == UInt64(1) << UInt64(shift) {
            seed = root1
            start = 0
        }
        guard proof.count == start + inner + border else { throw .wrongProofLength }
        let rest = proof[start...]
        let innerPart = rest.prefix(inner)
        let borderPart = rest.dropFirst(inner)
        let mask = (size1 - 1) >> UInt64(shift)
        let hash1 = chainBorderRight(chainInnerRight(seed, innerPart, index: mask), borderPart)
        guard hash1 == root1 else { throw .rootMismatch }
        let hash2 = chainBorderRight(chainInner(seed, innerPart, index: mask), borderPart)
        guard hash2 == root2 else { throw .rootMismatch }
    }

    static func decompose(index: UInt64, size: UInt64) -> (inner: Int, border: Int) {
        let inner = UInt64.bitWidth - (index ^ (size - 1)).leadingZeroBitCount
        let border = (index >> UInt64(inner)).nonzeroBitCount
        return (inner, border)
    }

    static func chainInner(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>, index: UInt64) -> [UInt8] {
        var h = seed
        for (i, p) in proof.enumerated() {
            h = (index >> UInt64(i)) & 1 == 0 ? RFC6962.nodeHash(h, p) : RFC6962.nodeHash(p, h)
        }
        return h
    }

    static func chainInnerRight(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>, index: UInt64) -> [UInt8] {
        var h = seed
        for (i, p) in proof.enumerated() where (index >> UInt64(i)) & 1 == 1 { h = RFC6962.nodeHash(p, h) }
        return h
    }

    static func chainBorderRight(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>) -> [UInt8] {
        var h = seed
        for p in proof { h = RFC6962.nodeHash(p, h) }
        return h
    }
}
