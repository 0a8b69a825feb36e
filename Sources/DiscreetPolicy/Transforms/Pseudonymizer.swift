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

    /// How an unmapped record member is named in decisions and in the ledger: `#` and 16 hex
    /// digits of an HMAC of its name, under this provider's key in a domain of its own.
    ///
    /// Values never rest: a member's name can itself be a value (a record keyed by a person's
    /// name or e-mail), and ledger entries can never be deleted, so its text is never recorded.
    /// The professional, who holds the service secret, recomputes the digest of a name to find
    /// which member it was; for anyone else it is opaque.
    public func memberDigest(of name: String) -> String {
        var message = Array(Self.memberDomain)
        message.append(contentsOf: name.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "#" + ByteText.hex(Array(mac.prefix(8)))
    }

    static let memberDomain = "discreet/member/v1\u{0}".utf8

    /// The pseudonym of a value's text, as unpadded base64url (43 characters).
    public func pseudonym(of text: String) -> String {
        var text = text
        let mac = text.withUTF8 { HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer($0), using: key) }
        return ByteText.base64url(mac)
    }
}
