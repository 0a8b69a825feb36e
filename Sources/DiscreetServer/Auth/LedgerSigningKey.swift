import Crypto
import DiscreetLedger
import DiscreetStore
import Foundation

/// An Ed25519 signing key kept as 32 raw bytes: created on first start at mode 0600, or read from
/// a file, or from an environment variable holding its base64.
public enum SigningKeyFile {
    /// - Parameter create: whether a missing file is made; read-only commands (`verify`,
    ///   `keys show`) pass false and are told `missing` instead of leaving a new key behind.
    public static func load(path: String, environmentVariable: String, environment: [String: String], create: Bool = true)
        throws -> Curve25519.Signing.PrivateKey
    {
        if let encoded = environment[environmentVariable] {
            guard let seed = Data(base64Encoded: encoded), seed.count == 32 else {
                throw KeyFileError.badEnvironment(environmentVariable)
            }
            return try .init(rawRepresentation: seed)
        }
        let seed: Data
        if create {
            seed = try SecretFile.loadOrCreate(path: path, noun: "key") { Curve25519.Signing.PrivateKey().rawRepresentation }
        } else {
            guard let existing = try SecretFile.load(path: path, noun: "key") else { throw KeyFileError.missing(path) }
            seed = existing
        }
        return try .init(rawRepresentation: seed)
    }

    public enum KeyFileError: Error, CustomStringConvertible {
        case badEnvironment(String)
        case missing(String)

        public var description: String {
            switch self {
            case .badEnvironment(let v): "\(v) must be the base64 of 32 bytes"
            case .missing(let p): "no key at \(p): is --data-dir the service's data directory?"
            }
        }
    }
}

/// The key that signs checkpoints (`DISCREET_LEDGER_KEY`, or `<data-dir>/secrets/ledger.key`).
/// Its verifier key is published at `/.well-known/discreet-keys` and printed by `discreet keys show`.
public enum LedgerSigningKey {
    public static let environmentVariable = "DISCREET_LEDGER_KEY"

    public static func load(path: String, name: String, environment: [String: String], create: Bool = true) throws
        -> NoteSigningKey
    {
        NoteSigningKey(
            name: name,
            privateKey: try SigningKeyFile.load(
                path: path, environmentVariable: environmentVariable, environment: environment, create: create))
    }

    /// The store's signer for this key and log origin.
    public static func signer(_ key: NoteSigningKey, origin: String) -> CheckpointSigner {
        { size, root in try Checkpoint(origin: origin, size: size, root: root).signed(with: key) }
    }
}
