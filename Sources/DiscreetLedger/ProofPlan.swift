/// Which subtree hashes a root or a proof needs, from sizes and indices alone (pure arithmetic,
/// after transparency-dev/merkle's `proof` package): the store then fetches exactly those.
///
/// A proof element is the hash of a range of leaves, MTH(D[a:b]) in RFC 6962's words; a range is
/// either one perfect subtree or, on the right edge of the tree, a few of them folded together.
public enum ProofPlan {
    /// The ranges whose hashes make the inclusion proof of `index` in a tree of `size` leaves,
    /// in proof order (RFC 6962 §2.1.1, PATH).
    public static func inclusion(index: UInt64, size: UInt64) -> [Range<UInt64>] {
        precondition(index < size, "index must be inside the tree")
        var out: [Range<UInt64>] = []
        path(index, 0..<size, &out)
        return out
    }

    private static func path(_ m: UInt64, _ r: Range<UInt64>, _ out: inout [Range<UInt64>]) {
        let n = UInt64(r.count)
        guard n > 1 else { return }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            path(m, r.lowerBound..<(r.lowerBound + k), &out)
            out.append((r.lowerBound + k)..<r.upperBound)
        } else {
            path(m - k, (r.lowerBound + k)..<r.upperBound, &out)
            out.append(r.lowerBound..<(r.lowerBound + k))
        }
    }

    /// The ranges whose hashes make the consistency proof from `from` to `to` leaves (RFC 6962
    /// §2.1.2, PROOF). Empty when `from` is 0 or equals `to`.
    public static func consistency(from m: UInt64, to n: UInt64) -> [Range<UInt64>] {
        precondition(m <= n, "a tree only grows")
        guard m > 0, m < n else { return [] }
        var out: [Range<UInt64>] = []
        subproof(m, 0..<n, true, &out)
        return out
    }

    private static func subproof(_ m: UInt64, _ r: Range<UInt64>, _ complete: Bool, _ out: inout [Range<UInt64>]) {
        let n = UInt64(r.count)
        if m == n {
            if !complete { out.append(r) }
            return
        }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            subproof(m, r.lowerBound..<(r.lowerBound + k), complete, &out)
            out.append((r.lowerBound + k)..<r.upperBound)
        } else {
            subproof(m - k, (r.lowerBound + k)..<r.upperBound, false, &out)
            out.append(r.lowerBound..<(r.lowerBound + k))
        }
    }

    /// The perfect subtrees that tile a range, largest first. For the ranges proofs use (aligned
    /// on their left), folding their hashes from the right gives the range's hash.
    public static func subtrees(_ r: Range<UInt64>) -> [NodeID] {
        var out: [NodeID] = []
        var a = r.lowerBound
        while a < r.upperBound {
            var level = 0
            while level < 63 {
                let next = UInt64(1) << UInt64(level + 1)
                guard a % next == 0, a + next <= r.upperBound else { break }
                level += 1
            }
            out.append(NodeID(level: level, index: a >> UInt64(level)))
            a += UInt64(1) << UInt64(level)
        }
        return out
    }

    /// Every subtree a set of ranges needs, each once.
    public static func subtrees(_ ranges: [Range<UInt64>]) -> [NodeID] {
        var seen = Set<NodeID>()
        return ranges.flatMap(subtrees).filter { seen.insert($0).inserted }
    }

    /// The hash of a range from the hashes of its subtrees: `node(h1, node(h2, ... hk))`.
    public static func fold(_ hashes: [[UInt8]]) -> [UInt8] {
        guard var acc = hashes.last else { return RFC6962.emptyRoot }
        for h in hashes.dropLast().reversed() { acc = RFC6962.nodeHash(h, acc) }
        return acc
    }

    /// The hash of a range, given a lookup of stored subtree hashes; nil when one is missing.
    public static func hash(of r: Range<UInt64>, from nodes: [NodeID: [UInt8]]) -> [UInt8]? {
        var hashes: [[UInt8]] = []
        for id in subtrees(r) {
            guard let h = nodes[id] else { return nil }
            hashes.append(h)
        }
        return fold(hashes)
    }

    /// The hash of each range, in order, given a lookup of stored subtree hashes (fetch
    /// `subtrees(ranges)`); nil when one is missing.
    public static func hashes(of ranges: [Range<UInt64>], from nodes: [NodeID: [UInt8]]) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        out.reserveCapacity(ranges.count)
        for r in ranges {
            guard let h = hash(of: r, from: nodes) else { return nil }
            out.append(h)
        }
        return out
    }

    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n > 1)
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}
