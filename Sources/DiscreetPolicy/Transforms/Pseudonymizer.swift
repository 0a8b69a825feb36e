import Crypto
import Foundation

/// HMAC-SHA-256 pseudonyms under a key per provider, derived from one secret the service holds.
///
/// The same value gives the same pseudonym for one provider (it can join its records) and an
/// unrelated one for another provider (two providers cannot link theirs).
public struct Pseudonymizer: Sendable {
    let key: SymmetricKey

    public init(serviceSecret: SymmetricKey, providerID: String) {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("discreet/pseudonym/v1/\(providerID)".utf8), using: serviceSecret)
        self.key = SymmetricKey(data: Data(mac))
    }

    /// The pseudonym of a value's text, as unpadded base64url (43 characters).
    public func pseudonym(of text: String) -> String {
        var text = text
        let mac = text.withUTF8 { HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer($0), using: key) }
        return mac.withUnsafeBytes { Self.base64url($0) }
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 without padding, written directly.
    static func base64url(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: (bytes.count * 4 + 2) / 3) { out in
            var o = 0
            var i = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                for shift in [18, 12, 6, 0] {
                    out[o] = alphabet[Int((n >> UInt32(shift)) & 63)]
                    o += 1
                }
                i += 3
            }
            let rest = bytes.count - i
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                for shift in [18, 12, 6].prefix(rest + 1) {
                    out[o] = alphabet[Int((n >> UInt32(shift)) & 63)]
                    o += 1
                }
            }
            return o
        }
    }
}
