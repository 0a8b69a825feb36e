import Crypto
import DiscreetJSON
import DiscreetPolicy
import Foundation
import Synchronization

/// The service's own secret, from which the pseudonym keys (one per provider) and the payload
/// digest key are derived. Lost, it makes old pseudonyms unreproducible; leaked, it makes them
/// linkable: keep the file at mode 0600 and back it up with the data directory.
public struct ServiceSecrets: Sendable {
    public let master: SymmetricKey
    let payloadKey: SymmetricKey
    /// The payload HMAC with its key already absorbed: each digest copies it (the hash states are
    /// copied on write) instead of hashing the key's two pads again for every disclosure.
    private let payloadMAC: HMAC<SHA256>
    private let pseudonymizers = PseudonymizerCache()

    public init(master: SymmetricKey) {
        self.master = master
        self.payloadKey = SymmetricKey(
            data: Data(HMAC<SHA256>.authenticationCode(for: Data("discreet/payload-digest/v1".utf8), using: master)))
        self.payloadMAC = HMAC<SHA256>(key: payloadKey)
    }

    /// The pseudonymizer for a provider; its key is derived once, not on every disclosure.
    func pseudonymizer(for providerID: String) -> Pseudonymizer {
        pseudonymizers.get(providerID) { Pseudonymizer(serviceSecret: master, providerID: providerID) }
    }

    /// HMAC-SHA-256 of a released payload, hex: lets the professional later prove what was sent
    /// without the service keeping it.
    public func payloadDigest(_ canonicalPayload: [UInt8]) -> String {
        var mac = payloadMAC
        mac.update(data: canonicalPayload)
        return ByteText.hex(mac.finalize())
    }

    /// Reads the secret from `path`, creating it (32 random bytes, mode 0600) when absent.
    public static func loadOrCreate(at path: String) throws -> ServiceSecrets {
        let data = try SecretFile.loadOrCreate(path: path, noun: "secret") {
            SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        }
        return ServiceSecrets(master: SymmetricKey(data: data))
    }
}

/// Derived pseudonym keys by provider id, bounded (provider ids come from requests).
final class PseudonymizerCache: Sendable {
    private let entries = Mutex<[String: Pseudonymizer]>([:])

    func get(_ providerID: String, make: () -> Pseudonymizer) -> Pseudonymizer {
        if let hit = entries.withLock({ $0[providerID] }) { return hit }
        let made = make()
        entries.withLock { e in
            if e.count >= 1_000 { e.removeAll() }
            e[providerID] = made
        }
        return made
    }
}
