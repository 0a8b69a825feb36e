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

    public init(
        id: String, kind: String, agreements: [Agreement] = [], servesCompetitorsOf: Set<String> = [],
        suspended: Bool = false
    ) {
        self.id = id
        self.kind = kind
        self.agreements = agreements
        self.servesCompetitorsOf = servesCompetitorsOf
        self.suspended = suspended
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
