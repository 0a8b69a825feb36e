import Foundation

/// Bytes written as text: lowercase hex, and unpadded base64url (RFC 4648 §5). One direct
/// implementation for digests, key ids, pseudonyms and JWK members; the payload digest and the
/// pseudonyms are on every disclosure's path, where `String(format:)` and string replacing cost.
public enum ByteText {
    public static let hexDigits = Array("0123456789abcdef".utf8)
    static let base64urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func hex(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { out in
                for (i, b) in raw.enumerated() {
                    out[2 * i] = hexDigits[Int(b >> 4)]
                    out[2 * i + 1] = hexDigits[Int(b & 0x0F)]
                }
                return raw.count * 2
            }
        }
    }

    public static func base64url(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: (raw.count * 4 + 2) / 3) { out in
                var o = 0
                var i = 0
                while i + 3 <= raw.count {
                    let n = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2])
                    for shift: UInt32 in [18, 12, 6, 0] {
                        out[o] = base64urlAlphabet[Int((n >> shift) & 63)]
                        o += 1
                    }
                    i += 3
                }
                let rest = raw.count - i
                if rest > 0 {
                    let n = UInt32(raw[i]) << 16 | (rest == 2 ? UInt32(raw[i + 1]) << 8 : 0)
                    for shift: UInt32 in [18, 12, 6].prefix(rest + 1) {
                        out[o] = base64urlAlphabet[Int((n >> shift) & 63)]
                        o += 1
                    }
                }
                return o
            }
        }
    }

    /// Whether `text` starts with `prefix`, ASCII letters compared without case (`prefix` is
    /// lowercase ASCII): a media type's check without lowercasing the header into a new string.
    public static func hasPrefixIgnoringASCIICase(_ text: String, _ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        var i = 0
        for b in text.utf8 {
            guard i < p.count else { return true }
            let lower = (0x41...0x5A).contains(b) ? b | 0x20 : b
            guard lower == p[i] else { return false }
            i += 1
        }
        return i == p.count
    }
}
