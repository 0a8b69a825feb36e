import Crypto
import DiscreetJSON
import DiscreetPolicy
import Foundation
import JWTKit

/// The claims of a consent receipt, after the Kantara Consent Receipt (v1.1) and ISO/IEC 27560
/// record: who consented, to which controller and recipient, for what, since and until when, how
/// it was obtained and proven, and how to withdraw. Signed as a compact JWS (EdDSA, Ed25519).
///
/// No `exp`: a receipt is a record and stays verifiable after the consent ends.
public struct ConsentReceiptClaims: JWTPayload, Equatable {
    public var issuer: String
    public var subject: String
    public var issuedAt: Int
    public var receiptID: String
    public var version = "KI-CR-v1.1.0"
    /// `grant` or `withdrawal`.
    public var kind: String
    public var consentID: String
    public var controller: String
    public var recipient: String
    public var purposes: [String]
    public var categories: [String]
    public var granted: String
    public var expires: String
    public var withdrawn: String?
    public var method: String
    public var evidenceDigest: String
    public var noticeVersion: String
    /// How to withdraw, as easily as the consent was given.
    public var withdraw: String

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", issuedAt = "iat", receiptID = "jti", version, kind
        case consentID = "consent_id", controller, recipient, purposes, categories, granted, expires, withdrawn, method
        case evidenceDigest = "evidence_digest", noticeVersion = "notice_version", withdraw
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Issues signed consent receipts at grant and at withdrawal.
public final class ConsentReceipts: Sendable {
    let keys: JWTKeyCollection
    public let keyID: String
    public let publicKey: Curve25519.Signing.PublicKey
    /// The professional the receipts name as controller.
    public let controller: String

    public static let environmentVariable = "DISCREET_RECEIPT_KEY"

    public init(privateKey: Curve25519.Signing.PrivateKey, controller: String) async {
        self.publicKey = privateKey.publicKey
        self.keyID =
            "receipt-"
            + ByteText.hex(Array(SHA256.hash(data: privateKey.publicKey.rawRepresentation).prefix(6)))
        self.controller = controller
        self.keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: keyID))
    }

    func claims(_ c: Consent, kind: String, receiptID: String, at: Date) -> ConsentReceiptClaims {
        ConsentReceiptClaims(
            issuer: controller, subject: c.subject, issuedAt: Int(at.timeIntervalSince1970), receiptID: receiptID, kind: kind,
            consentID: c.id, controller: controller, recipient: c.provider, purposes: c.purposes.sorted(),
            categories: c.categories.map(\.text), granted: RFC3339.format(c.grantedAt), expires: RFC3339.format(c.expiresAt),
            withdrawn: c.withdrawnAt.map(RFC3339.format), method: c.method, evidenceDigest: c.evidenceDigest,
            noticeVersion: c.noticeVersion, withdraw: "POST /v1/subjects/\(c.subject)/consents/\(c.receiptID ?? c.id)/withdraw")
    }

    /// The consent with its grant receipt.
    func granting(_ consent: Consent, at: Date) async throws -> Consent {
        var c = consent
        let id = RecordID.make("rcpt-", at: at)
        c.receiptID = id
        c.receipt = try await keys.sign(claims(c, kind: "grant", receiptID: id, at: at), kid: JWKIdentifier(string: keyID))
        return c
    }

    /// The consent withdrawn at `at`, with its withdrawal receipt.
    func withdrawing(_ consent: Consent, at: Date) async throws -> Consent {
        var c = consent
        c.withdrawnAt = at
        let id = RecordID.make("rcpt-", at: at)
        c.withdrawalReceiptID = id
        c.withdrawalReceipt = try await keys.sign(
            claims(c, kind: "withdrawal", receiptID: id, at: at), kid: JWKIdentifier(string: keyID))
        return c
    }

    /// The public key as a JWK (RFC 8037), for `/.well-known/discreet-keys`.
    public var jwk: JSONValue {
        [
            "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": .string(keyID),
            "x": .string(ByteText.base64url(publicKey.rawRepresentation)),
        ]
    }
}
