import Foundation

/// A subject's prior permission for named (or any contracted) providers, purposes and categories.
public struct Consent: Sendable, Equatable {
    /// `*` is any contracted provider; only regimes with `recipient: any-contracted` accept it.
    public static let anyProvider = "*"

    public var id: String
    public var subject: String
    public var provider: String
    public var purposes: Set<String>
    public var categories: [CategoryPattern]
    public var grantedAt: Date
    /// Mandatory: no consent is open-ended.
    public var expiresAt: Date
    public var withdrawnAt: Date?
    /// `written`, `electronic-signature`, `recorded-verbal`.
    public var method: String
    public var evidenceDigest: String
    public var evidenceReference: String
    public var noticeVersion: String
    /// Whether the subject was told of, and accepted, the provider's service to competitors.
    public var acknowledgesConflict: Bool
    /// The signed receipt given at grant (a compact JWS) and its id; withdrawal works by either id.
    public var receiptID: String?
    public var receipt: String?
    /// The signed receipt given at withdrawal, and its id.
    public var withdrawalReceiptID: String?
    public var withdrawalReceipt: String?

    public init(
        id: String, subject: String, provider: String, purposes: Set<String>, categories: [CategoryPattern],
        grantedAt: Date, expiresAt: Date, withdrawnAt: Date? = nil, method: String = "written",
        evidenceDigest: String = "", evidenceReference: String = "", noticeVersion: String = "",
        acknowledgesConflict: Bool = false
    ) {
        self.id = id
        self.subject = subject
        self.provider = provider
        self.purposes = purposes
        self.categories = categories
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.withdrawnAt = withdrawnAt
        self.method = method
        self.evidenceDigest = evidenceDigest
        self.evidenceReference = evidenceReference
        self.noticeVersion = noticeVersion
        self.acknowledgesConflict = acknowledgesConflict
    }

    /// The consent's state at `now`.
    public enum Status: String, Sendable { case notYetValid = "not-yet-valid", active, expired, withdrawn }

    public func status(at now: Date) -> Status {
        if let w = withdrawnAt, w <= now { return .withdrawn }
        if now < grantedAt { return .notYetValid }
        if now >= expiresAt { return .expired }
        return .active
    }

    /// Whether the consent's scope covers this provider, purpose and category, whatever its status.
    public func covers(provider p: String, purpose: String, category: String, allowAnyProvider: Bool) -> Bool {
        guard provider == p || (provider == Consent.anyProvider && allowAnyProvider) else { return false }
        return purposes.contains(purpose) && categories.contains { $0.matches(category) }
    }
}
