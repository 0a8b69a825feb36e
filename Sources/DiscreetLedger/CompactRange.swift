/// The right edge of the log: the perfect subtrees that tile leaves `0..<size`, largest first.
///
/// The writer keeps it in memory: appending a leaf yields the subtree hashes that just became
/// complete (to store), and the root costs O(log n) hashes with no read. Rebuilt at start from
/// the stored subtrees `ProofPlan.subtrees(0..<size)` names.
public struct CompactRange: Sendable, Equatable {
    public private(set) var size: UInt64
    /// Hashes of the tiling subtrees, largest (leftmost) first.
    public private(set) var hashes: [[UInt8]]

    public init() {
        size = 0
        hashes = []
    }

    /// A range from stored subtree hashes, in the order `ProofPlan.subtrees(0..<size)` gives.
    public init(size: UInt64, hashes: [[UInt8]]) {
        precondition(ProofPlan.subtrees(0..<size).count == hashes.count, "one hash per tiling subtree")
        self.size = size
        self.hashes = hashes
    }

    /// Appends a leaf; returns every subtree completed by it (the leaf itself included).
    public mutating func append(leafHash: [UInt8]) -> [(NodeID, [UInt8])] {
        var completed: [(NodeID, [UInt8])] = [(NodeID(level: 0, index: size), leafHash)]
        var hash = leafHash
        var level = 0
        var index = size
        // Each trailing one bit of the old size is a left sibling waiting on the edge.
        while (size >> UInt64(level)) & 1 == 1 {
            hash = RFC6962.nodeHash(hashes.removeLast(), hash)
            level += 1
            index >>= 1
            completed.append((NodeID(level: level, index: index), hash))
        }
        hashes.append(hash)
        size += 1
        return completed
    }

    public var root: [UInt8] { ProofPlan.fold(hashes) }
}
