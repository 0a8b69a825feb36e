import Crypto

/// RFC 6962 §2.1 hashing: `SHA-256(0x00 || entry)` for a leaf, `SHA-256(0x01 || left || right)`
/// for an interior node. The prefixes keep a leaf from ever posing as a node.
public enum RFC6962 {
    public static func leafHash(_ entry: some Sequence<UInt8>) -> [UInt8] {
        var h = SHA256()
        h.update(data: [0x00])
        h.update(data: Array(entry))
        return Array(h.finalize())
    }

    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: [0x01])
        h.update(data: left)
        h.update(data: right)
        return Array(h.finalize())
    }
}

extension RFC6962 {
    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyRoot: [UInt8] = Array(SHA256.hash(data: [UInt8]()))
}
