/// A perfect subtree of the log: `2^level` leaves starting at leaf `index << level`.
///
/// The store keeps the hash of every perfect subtree once it is complete, so that any root or
/// proof is assembled from O(log n) stored hashes rather than from the n entries.
public struct NodeID: Sendable, Hashable, CustomStringConvertible {
    public var level: Int
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The leaves it covers.
    public var leaves: Range<UInt64> { (index << UInt64(level))..<((index + 1) << UInt64(level)) }

    public var description: String { "(\(level), \(index))" }
}
