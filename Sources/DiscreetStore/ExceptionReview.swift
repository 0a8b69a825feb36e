import Foundation

/// A disclosure made under a legal exception, queued for a second person's review.
public struct ExceptionReview: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, upheld, rejected }

    public var id: String
    public var disclosureID: String
    /// Set by the ledger when the disclosure is appended.
    public var ledgerIndex: Int64?
    public var subjectID: String
    public var providerID: String
    public var basis: String
    public var justification: String
    public var facts: String
    public var authority: String?
    /// The key id of the exception officer who invoked it.
    public var invokedBy: String
    public var invokedAt: Date
    public var status: Status
    public var reviewer: String?
    public var comment: String?
    public var reviewedBy: String?
    public var reviewedAt: Date?

    public init(
        id: String, disclosureID: String, ledgerIndex: Int64? = nil, subjectID: String, providerID: String, basis: String,
        justification: String, facts: String, authority: String?, invokedBy: String, invokedAt: Date, status: Status = .pending,
        reviewer: String? = nil, comment: String? = nil, reviewedBy: String? = nil, reviewedAt: Date? = nil
    ) {
        self.id = id
        self.disclosureID = disclosureID
        self.ledgerIndex = ledgerIndex
        self.subjectID = subjectID
        self.providerID = providerID
        self.basis = basis
        self.justification = justification
        self.facts = facts
        self.authority = authority
        self.invokedBy = invokedBy
        self.invokedAt = invokedAt
        self.status = status
        self.reviewer = reviewer
        self.comment = comment
        self.reviewedBy = reviewedBy
        self.reviewedAt = reviewedAt
    }
}

/// An alert waiting in the outbox until the webhook acknowledges it.
public struct OutboxAlert: Sendable, Equatable {
    public var id: Int64
    public var body: [UInt8]
    public var attempts: Int
    public var nextAttemptAt: Date

    public init(id: Int64, body: [UInt8], attempts: Int, nextAttemptAt: Date) {
        self.id = id
        self.body = body
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}

/// Why a review was not recorded.
public enum ReviewRefusal: Error, Sendable, Equatable {
    case notFound
    case alreadyReviewed
}
