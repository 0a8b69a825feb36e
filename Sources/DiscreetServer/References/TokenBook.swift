import DiscreetPolicy
import DiscreetStore
import Foundation
import Synchronization

/// The tokens issued so far, by provider and subject, kept in memory: a token never changes once
/// issued, so what is cached can never be stale, and a repeat disclosure decides in one pass.
/// Bounded: past `capacity` pairs an arbitrary one is dropped (hostile subject ids cannot grow it).
public final class TokenBook: Sendable {
    let capacity: Int
    private let known = Mutex<[String: [String: String]]>([:])

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    static func key(_ providerID: String, _ subjectID: String) -> String { providerID + "\u{0}" + subjectID }

    /// The tokens of this provider and subject already known here.
    func tokens(providerID: String, subjectID: String) -> [String: String] {
        known.withLock { $0[Self.key(providerID, subjectID)] ?? [:] }
    }

    /// Issues the tokens of `fields` (the store keeps the first issued for each), remembers them,
    /// and returns every token known for the pair.
    func issue(_ fields: [String], providerID: String, subjectID: String, store: any ReferenceStore, at: Date) async throws
        -> [String: String]
    {
        var candidates: [String: String] = [:]
        for f in fields { candidates[f] = Token.random() }
        let issued = try await store.issueTokens(providerID: providerID, subjectID: subjectID, candidates: candidates, at: at)
        let key = Self.key(providerID, subjectID)
        return known.withLock { k in
            if k[key] == nil, k.count >= capacity { k.remove(at: k.startIndex) }
            k[key, default: [:]].merge(issued) { _, new in new }
            return k[key]!
        }
    }
}

/// The form of a token: `tok_` and 26 lowercase base32 characters holding 128 random bits, so
/// that a leaked file's tokens can be found in any text and never guessed.
enum Token {
    static let prefix = "tok_"
    static let bodyLength = 26
    static let length = prefix.utf8.count + bodyLength
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<16 { bytes.append(g.next()) }
        return prefix + base32(bytes)
    }

    /// Unpadded base32 (RFC 4648's alphabet, lowercase).
    static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isBodyByte(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x32...0x37).contains(b) }

    static func isWellFormed(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return u.count == length && s.hasPrefix(prefix) && u.dropFirst(prefix.utf8.count).allSatisfy(isBodyByte)
    }
}
