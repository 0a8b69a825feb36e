import Crypto
import DiscreetJSON
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
        return ByteText.base64url(mac)
    }
}
