import Foundation

/// A recipient of disclosures and the agreements on file with it.
public struct Provider: Sendable, Equatable {
    public var id: String
    /// `service-provider`, `authority`, `medical-personnel`, `court`, `threatened-person`, ...
    public var kind: String
    public var agreements: [Agreement]
    /// Subjects whose competitors this provider declares it also serves.
    public var servesCompetitorsOf: Set<String>
    /// A suspended provider receives nothing: every request to it is refused.
    public var suspended: Bool
    /// Where its recalls are delivered; without one they wait in the manual queue.
    public var recallWebhook: RecallWebhook?

    public init(
        id: String, kind: String, agreements: [Agreement] = [], servesCompetitorsOf: Set<String> = [],
        suspended: Bool = false, recallWebhook: RecallWebhook? = nil
    ) {
        self.recallWebhook = recallWebhook
        self.id = id
        self.kind = kind
        self.agreements = agreements
        self.servesCompetitorsOf = servesCompetitorsOf
        self.suspended = suspended
    }
}

/// Where a provider's recalls are POSTed: its own endpoint, signed with HMAC-SHA-256 under the
/// secret `secret` names (the same named credentials as gateway routes, never held in the
/// document); or one of its egress gateway routes, at `path` under the route's upstream, with the
/// credential the route holds.
public enum RecallWebhook: Sendable, Equatable {
    case url(String, secret: String)
    case route(String, path: String)

    /// `/` then printable ASCII without `#`, at most 1,024 bytes: openapi.yaml's pattern.
    public static func isRoutePath(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return (1...1024).contains(b.count) && b[0] == UInt8(ascii: "/")
            && b.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "#") }
    }

    /// Lowercase letters, digits, `-` and `_`, at most 64: a name, never a secret.
    public static func isSecretName(_ text: String) -> Bool { BundleWalk.isSecretName(text) }

    /// `http://` or `https://`, a host of letters, digits, `.` and `-`, an optional port, then an
    /// optional path (and query) of printable ASCII without `#`: at most 2,048 bytes. Exactly
    /// openapi.yaml's pattern; credentials go in the named secret, never in the URL.
    public static func isWebhookURL(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count <= 2048 else { return false }
        var i: Int
        if text.hasPrefix("http://") {
            i = 7
        } else if text.hasPrefix("https://") {
            i = 8
        } else {
            return false
        }
        let hostStart = i
        func isHost(_ c: UInt8) -> Bool {
            (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) || c == 0x2E || c == 0x2D
        }
        while i < b.count, isHost(b[i]) { i += 1 }
        guard i > hostStart else { return false }
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            let portStart = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard (1...5).contains(i - portStart) else { return false }
        }
        guard i < b.count else { return true }
        guard b[i] == UInt8(ascii: "/") else { return false }
        return b[i...].allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "#") }
    }
}

/// A signed agreement (BAA, DPA, QSOA, NDA, engagement letter) and what it covers.
public struct Agreement: Sendable, Equatable {
    public var id: String
    public var type: String
    public var purposes: Set<String>
    public var categories: [CategoryPattern]
    public var validFrom: Date
    public var validUntil: Date
    /// Digest of the signed document, so the ledger can name exactly which text was in force.
    public var documentDigest: String?

    public init(
        id: String, type: String, purposes: Set<String>, categories: [CategoryPattern], validFrom: Date,
        validUntil: Date, documentDigest: String? = nil
    ) {
        self.id = id
        self.type = type
        self.purposes = purposes
        self.categories = categories
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.documentDigest = documentDigest
    }

    /// In force at `now`: `validFrom` inclusive, `validUntil` exclusive.
    public func isValid(at now: Date) -> Bool { validFrom <= now && now < validUntil }

    public func covers(purpose: String, category: String) -> Bool {
        purposes.contains(purpose) && categories.contains { $0.matches(category) }
    }
}
