import Crypto
import DiscreetJSON
import Foundation

/// C2SP signed notes with Ed25519 (signature type 0x01): text ending in a newline, a blank line,
/// then `— <key name> base64(key ID || signature)` lines.
public enum SignedNote {
    public enum Failure: Error, Sendable, Equatable {
        case malformed
        case noSignatureFromKey
        case badSignature
    }

    /// Signs `text` (which must end in a newline) and returns the whole note.
    public static func sign(_ text: String, with key: NoteSigningKey) throws -> String {
        precondition(text.hasSuffix("\n"), "a note's text ends in a newline")
        let signature = try key.privateKey.signature(for: Data(text.utf8))
        let blob = Data(key.keyID) + signature
        return text + "\n— \(key.name) \(blob.base64EncodedString())\n"
    }

    /// The note's text, once a signature by `verifier`'s key verifies; signatures by other keys
    /// are ignored, as the spec requires.
    public static func open(_ note: String, verifier: NoteVerifierKey) throws(Failure) -> String {
        guard let (text, lines) = split(note) else { throw .malformed }
        let signatures = lines.split(separator: "\n", omittingEmptySubsequences: false)
        guard signatures.last == "", signatures.count >= 2 else { throw .malformed }
        var matched = false
        for line in signatures.dropLast() {
            guard line.hasPrefix("— ") else { throw .malformed }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else { throw .malformed }
            guard parts[0] == verifier.name, Array(blob.prefix(4)) == verifier.keyID else { continue }
            matched = true
            guard verifier.publicKey.isValidSignature(blob.dropFirst(4), for: Data(text.utf8)) else { throw .badSignature }
        }
        guard matched else { throw .noSignatureFromKey }
        return text
    }
}

extension SignedNote {
    /// A note's text (with its final newline) and what follows the last blank line, its
    /// signature lines; nil without a blank line. Signature lines never hold one, so the last
    /// blank line is the split, whatever the text holds.
    public static func split(_ note: String) -> (text: String, signatures: Substring)? {
        guard let blank = note.range(of: "\n\n", options: .backwards) else { return nil }
        return (String(note[..<blank.lowerBound]) + "\n", note[blank.upperBound...])
    }
}

/// A named Ed25519 key that signs notes.
public struct NoteSigningKey: Sendable {
    public let name: String
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        precondition(NoteVerifierKey.isValidName(name), "a key name is non-empty, without spaces or '+'")
        self.name = name
        self.privateKey = privateKey
    }

    public var keyID: [UInt8] { VerifierKeyText.keyID(name: name, type: 0x01, publicKey: privateKey.publicKey) }

    public var verifier: NoteVerifierKey {
        NoteVerifierKey(name: name, publicKey: privateKey.publicKey)
    }
}

/// The public half, in the `<name>+<hex key ID>+<base64(0x01 || public key)>` form that
/// standard signed-note verifiers read.
public struct NoteVerifierKey: Sendable, Equatable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public static func == (a: NoteVerifierKey, b: NoteVerifierKey) -> Bool {
        a.name == b.name && a.publicKey.rawRepresentation == b.publicKey.rawRepresentation
    }

    public var keyID: [UInt8] { VerifierKeyText.keyID(name: name, type: 0x01, publicKey: publicKey) }

    public var encoded: String { VerifierKeyText.encode(name: name, type: 0x01, publicKey: publicKey) }

    /// Parses the encoded form; nil when malformed or when the key ID does not match.
    public init?(encoded: String) {
        guard let (name, key) = VerifierKeyText.decode(encoded, type: 0x01) else { return nil }
        self.init(name: name, publicKey: key)
    }

    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("+") && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
    }
}

/// The signed-note verifier key text, `<name>+<hex key ID>+<base64(type || public key)>`, whose
/// key ID is `SHA-256(name || "\n" || type || public key)[:4]`: type 0x01 for a note's signer
/// (`NoteVerifierKey`), 0x04 for a witness's cosignatures (`CosignerKey`).
enum VerifierKeyText {
    static func keyID(name: String, type: UInt8, publicKey: Curve25519.Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, type] + Array(publicKey.rawRepresentation)).prefix(4))
    }

    static func encode(name: String, type: UInt8, publicKey: Curve25519.Signing.PublicKey) -> String {
        let hex = ByteText.hex(keyID(name: name, type: type, publicKey: publicKey))
        return "\(name)+\(hex)+\((Data([type]) + publicKey.rawRepresentation).base64EncodedString())"
    }

    /// The name and key, when the text is of `type` and its key ID matches.
    static func decode(_ text: String, type: UInt8) -> (String, Curve25519.Signing.PublicKey)? {
        // The base64 key may itself contain '+': split off the name and the key ID only.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, NoteVerifierKey.isValidName(String(parts[0])), parts[1].count == 8,
            let raw = Data(base64Encoded: String(parts[2])), raw.count == 33, raw.first == type,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst()),
            ByteText.hex(keyID(name: String(parts[0]), type: type, publicKey: key)) == parts[1].lowercased()
        else { return nil }
        return (String(parts[0]), key)
    }
}
