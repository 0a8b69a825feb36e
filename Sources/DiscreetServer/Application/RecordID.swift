import DiscreetJSON
import Foundation

/// Ids of what the service creates (disclosures, consents, receipts, reviews): a prefix naming the
/// kind, then a UUIDv7 (RFC 9562 §5.7), 48 bits of Unix milliseconds followed by 74 random bits.
///
/// Time-ordered ids land at the end of their unique indexes: a batch of ledger appends then
/// touches a few index pages instead of one page per row, which with random UUIDs made every
/// appended disclosure rewrite about 4 KB of index on disk. The id reveals its creation time to the
/// millisecond, which every record also states in its own timestamp.
enum RecordID {
    static func make(_ prefix: String, at date: Date) -> String {
        var rng = SystemRandomNumberGenerator()
        return make(prefix, at: date, using: &rng)
    }

    static func make(_ prefix: String, at date: Date, using rng: inout some RandomNumberGenerator) -> String {
        let ms = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * i)) }
        let random = (rng.next() as UInt64, rng.next() as UInt64)
        for i in 0..<8 { bytes[6 + i] = UInt8(truncatingIfNeeded: random.0 >> (8 * i)) }
        for i in 0..<2 { bytes[14 + i] = UInt8(truncatingIfNeeded: random.1 >> (8 * i)) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        let hex = Array(ByteText.hex(bytes).utf8)
        var out = prefix
        out.reserveCapacity(prefix.utf8.count + 36)
        for (start, end) in [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)] {
            if start > 0 { out += "-" }
            out += String(decoding: hex[start..<end], as: UTF8.self)
        }
        return out
    }
}
