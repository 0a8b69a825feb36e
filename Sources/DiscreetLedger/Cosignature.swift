import Crypto
import DiscreetJSON
import Foundation

/// C2SP tlog-cosignature, Ed25519 (`cosignature/v1`): a witness's statement that, at a time, the
/// checkpoint is the largest consistent tree head it has seen for the log. A note signature line
/// `— <name> base64(key ID || u64 timestamp || Ed25519 signature)` over
/// `cosignature/v1\ntime <t>\n` followed by the checkpoint's body.
public enum Cosignature {
    public enum Failure: Error, Sendable, Equatable {
        case malformed
        case noCosignatureFromKey
        case badSignature
    }

    /// The message a cosignature signs.
    public static func message(body: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + Array(body.utf8)
    }

    /// The signature line (ending in a newline) of `key` over the checkpoint `body` at `time`.
    public static func sign(body: String, time: UInt64, with key: CosignerSigningKey) throws -> String {
        let signature = try key.privateKey.signature(for: message(body: body, time: time))
        var blob = key.verifier.keyID
        for shift in stride(from: 56, through: 0, by: -8) { blob.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
        blob += Array(signature)
        return "— \(key.name) \(Data(blob).base64EncodedString())\n"
    }

    /// The timestamp of `key`'s cosignature among the signature lines of `note` (a signed
    /// checkpoint with cosignatures appended), once it verifies over the note's body. Lines of
    /// other keys are ignored, as the spec requires.
    public static func verify(note: String, key: CosignerKey) throws(Failure) -> UInt64 {
        guard let (body, signatures) = SignedNote.split(note) else { throw .malformed }
        var found: UInt64?
        for line in signatures.split(separator: "\n") {
            guard let time = try timestamp(line, body: body, key: key) else { continue }
            found = time
        }
        guard let found else { throw .noCosignatureFromKey }
        return found
    }

    /// The timestamp of one signature line, when it is `key`'s cosignature over `body`; nil for
    /// another key's line.
    public static func timestamp(_ line: Substring, body: String, key: CosignerKey) throws(Failure) -> UInt64? {
        guard line.hasPrefix("— ") else { throw .malformed }
        let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let blob = Data(base64Encoded: String(parts[1])) else { throw .malformed }
        guard parts[0] == key.name, Array(blob.prefix(4)) == key.keyID else { return nil }
        guard blob.count == 4 + 8 + 64 else { throw .malformed }
        let bytes = Array(blob)
        let time = bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= UInt64(Int64.max) else { throw .malformed }
        guard key.publicKey.isValidSignature(Data(bytes[12...]), for: message(body: body, time: time)) else {
            throw .badSignature
        }
        return time
    }
}

/// A witness's public key as verifiers are configured with it: a name and an Ed25519 key, in the
/// signed-note vkey form `<name>+<hex key ID>+<base64(0x04 || public key)>`.
public struct CosignerKey: Sendable, Equatable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public static func == (a: CosignerKey, b: CosignerKey) -> Bool {
        a.name == b.name && a.publicKey.rawRepresentation == b.publicKey.rawRepresentation
    }

    /// SHA-256(name || "\n" || 0x04 || public key)[:4].
    public var keyID: [UInt8] { VerifierKeyText.keyID(name: name, type: 0x04, publicKey: publicKey) }

    public var vkey: String { VerifierKeyText.encode(name: name, type: 0x04, publicKey: publicKey) }

    /// Parses a vkey; nil when malformed, of another signature type, or when the key ID does not match.
    public init?(vkey: String) {
        guard let (name, key) = VerifierKeyText.decode(vkey, type: 0x04) else { return nil }
        self.init(name: name, publicKey: key)
    }
}

/// A witness's signing key.
public struct CosignerSigningKey: Sendable {
    public let name: String
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        precondition(NoteVerifierKey.isValidName(name), "a key name is non-empty, without spaces or '+'")
        self.name = name
        self.privateKey = privateKey
    }

    public var verifier: CosignerKey { CosignerKey(name: name, publicKey: privateKey.publicKey) }
}
