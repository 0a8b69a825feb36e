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

    public static func digest(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Data(key.utf8))) }

    /// The id part of a well-formed key, or nil.
    public static func keyID(of key: String) -> String? {
        let parts = key.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "dsk", parts[1].count == 12, parts[2].count == 43,
            parts[1].allSatisfy(\.isHexDigit)
        else { return nil }
        return String(parts[1])
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
