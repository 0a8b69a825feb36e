/// C2SP tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` holds the hashes of the Merkle tree's nodes at
/// height 8·L, 256 to a tile (W of them in a partial tile); `tile/entries/<N>[.p/<W>]` the
/// entries themselves. N is written in three-digit groups, each but the last prefixed `x`
/// (1234067 is `x001/x234/067`). Only the canonical form of a path is read: two paths never name
/// one tile, so caches and clients agree.
public enum TilePath: Sendable, Equatable {
    case hashes(level: Int, index: UInt64, width: Int?)
    case entries(index: UInt64, width: Int?)

    public static let width = 256
    /// 2^56 tiles of 256: every index of a 64-bit tree.
    static let maxIndex: UInt64 = (1 << 56) - 1

    /// Reads the segments after `tile/`; nil for anything that is not a canonical tile path.
    public init?(_ segments: [Substring]) {
        guard let first = segments.first, segments.count >= 2 else { return nil }
        var rest = segments.dropFirst()
        var width: Int?
        // A partial tile: the last index group ends in `.p`, then the width.
        if rest.count >= 2, let last = rest.last, let w = Self.decimal(last, digits: 1...3), (1..<256).contains(w),
            String(w) == last, rest[rest.index(before: rest.endIndex) - 1].hasSuffix(".p")
        {
            width = Int(w)
            rest = rest.dropLast()
            let p = rest.endIndex - 1
            rest[p] = rest[p].dropLast(2)
        }
        guard let index = Self.index(Array(rest)) else { return nil }
        if first == "entries" {
            self = .entries(index: index, width: width)
        } else {
            guard let level = Self.decimal(first, digits: 1...2), level < 64, String(level) == first else { return nil }
            self = .hashes(level: Int(level), index: index, width: width)
        }
    }

    /// The path after `tile/`.
    public var path: String {
        let (head, index, width): (String, UInt64, Int?) =
            switch self {
            case .hashes(let level, let index, let width): (String(level), index, width)
            case .entries(let index, let width): ("entries", index, width)
            }
        var groups: [String] = []
        var n = index
        repeat {
            let g = String(n % 1000)
            groups.insert(String(repeating: "0", count: 3 - g.count) + g, at: 0)
            n /= 1000
        } while n > 0
        let encoded = groups.dropLast().map { "x" + $0 } + [groups.last!]
        return ([head] + encoded).joined(separator: "/") + (width.map { ".p/\($0)" } ?? "")
    }

    /// `x`-prefixed groups then a bare last group, each three digits, no leading `x000` group.
    static func index(_ groups: [Substring]) -> UInt64? {
        guard !groups.isEmpty, groups.count <= 6 else { return nil }
        var n: UInt64 = 0
        for (i, g) in groups.enumerated() {
            let isLast = i == groups.count - 1
            let digits = isLast ? g : (g.first == "x" ? g.dropFirst() : "")
            guard digits.count == 3, let value = decimal(digits, digits: 3...3) else { return nil }
            if i == 0 && !isLast && value == 0 { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 1000)
            let (s, o2) = m.addingReportingOverflow(value)
            guard !o1, !o2 else { return nil }
            n = s
        }
        return n <= maxIndex ? n : nil
    }

    static func decimal(_ text: Substring, digits: ClosedRange<Int>) -> UInt64? {
        guard digits.contains(text.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }

    /// How many nodes (or entries) of tile `index` at `level` a tree of `size` leaves has
    /// complete: 256 for a full tile, fewer for the last, partial one, 0 beyond.
    public static func available(level: Int, index: UInt64, size: UInt64) -> Int {
        let nodes = level == 0 ? size : size >> UInt64(8 * level)
        let start = index.multipliedReportingOverflow(by: UInt64(width))
        guard !start.overflow, nodes > start.partialValue else { return 0 }
        return Int(min(nodes - start.partialValue, UInt64(width)))
    }

    /// The nodes a tile of `count` hashes at `level` holds, in order.
    public static func nodes(level: Int, index: UInt64, count: Int) -> [NodeID] {
        (0..<UInt64(count)).map { NodeID(level: 8 * level, index: index * UInt64(width) + $0) }
    }
}
