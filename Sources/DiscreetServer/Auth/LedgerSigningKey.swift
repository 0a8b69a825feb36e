import Crypto
import DiscreetLedger
import DiscreetStore
import Foundation

/// The Ed25519 key that signs checkpoints. Created on first start in the data directory at mode
/// 0600, or read from a file or from `DISCREET_LEDGER_KEY` (base64 of the 32-byte seed). Its
/// verifier key is published at `/.well-known/discreet-keys` and printed by `discreet keys show`.
public enum LedgerSigningKey {
    public static let environmentVariable = "DISCREET_LEDGER_KEY"

    public static func load(path: String, name: String, environment: [String: String]) throws -> NoteSigningKey {
        if let encoded = environment[environmentVariable] {
            guard let seed = Data(base64Encoded: encoded), seed.count == 32 else { throw KeyFileError.badEnvironment }
            return NoteSigningKey(name: name, privateKey: try .init(rawRepresentation: seed))
        }
        let fm = FileManager.default
        if let seed = fm.contents(atPath: path) {
            guard seed.count == 32 else { throw KeyFileError.badLength(path) }
            return NoteSigningKey(name: name, privateKey: try .init(rawRepresentation: seed))
        }
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let key = Curve25519.Signing.PrivateKey()
        guard fm.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600]) else {
            throw KeyFileError.cannotWrite(path)
        }
        return NoteSigningKey(name: name, privateKey: key)
    }

    /// The store's signer for this key and log origin.
    public static func signer(_ key: NoteSigningKey, origin: String) -> CheckpointSigner {
        { size, root in try Checkpoint(origin: origin, size: size, root: root).signed(with: key) }
    }

    public enum KeyFileError: Error, CustomStringConvertible {
        case badLength(String)
        case cannotWrite(String)
        case badEnvironment

        public var description: String {
            switch self {
            case .badLength(let p): "the ledger key file \(p) must hold exactly 32 bytes"
            case .cannotWrite(let p): "cannot write the ledger key file \(p)"
            case .badEnvironment: "\(LedgerSigningKey.environmentVariable) must be the base64 of 32 bytes"
            }
        }
    }
}
