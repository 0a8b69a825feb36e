import Crypto
import DiscreetJSON
import DiscreetStore
import Foundation

/// API keys: `dsk_<id>_<secret>`. The id finds the stored record; the SHA-256 of the whole key is
/// compared in constant time. Only the digest is ever stored.
public enum APIKeys {
    /// A new key and the record to store for it.
    public static func generate(roles: [Role], label: String, now: Date) -> (key: String, record: APIKeyRecord) {
        var rng = SystemRandomNumberGenerator()
        let id = ByteText.hex((0..<6).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = "dsk_\(id)_\(ByteText.base64url(secretBytes))"
        return (key, APIKeyRecord(id: id, digest: digest(key), roles: roles, label: label, createdAt: now))
    }

    public static func digest(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Array(key.utf8))) }

    /// The token of an `Authorization: Bearer <token>` header (scheme in any case, spaces and tabs
    /// around the token trimmed), or nil. Runs on every request: reads bytes, no Foundation.
    static func bearerToken(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return nil }
        for i in 0..<scheme.count {
            let b = bytes[i]
            let lower = (0x41...0x5A).contains(b) ? b | 0x20 : b
            guard lower == scheme[i] else { return nil }
        }
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var start = scheme.count
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The id part of a well-formed key (`dsk_`, 12 hex digits, `_`, 43 base64url characters), or nil.
    public static func keyID(of key: String) -> String? {
        let bytes = Array(key.utf8)
        guard bytes.count == 60, bytes[0..<4].elementsEqual("dsk_".utf8), bytes[16] == UInt8(ascii: "_"),
            bytes[4..<16].allSatisfy(isHexDigit), bytes[17...].allSatisfy(isBase64URL)
        else { return nil }
        return String(decoding: bytes[4..<16], as: UTF8.self)
    }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x66).contains(b) || (0x41...0x46).contains(b)
    }

    static func isBase64URL(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "_")
    }

    /// Whether `key` is the key `record` was made for, compared in constant time.
    public static func matches(_ key: String, _ record: APIKeyRecord) -> Bool {
        constantTimeEquals(digest(key), record.digest)
    }

    /// Compares without an early exit, so the time taken says nothing of where two secrets differ.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
