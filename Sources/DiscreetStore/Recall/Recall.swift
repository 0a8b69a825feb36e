import DiscreetPolicy
import Foundation

/// A provider asked to return or delete what it received about a subject, because the consent
/// those disclosures rested on ended. It names the disclosures by ledger index and the subject by
/// the references the provider holds (tokens), never by the subject's id.
///
/// Opened in the transaction that withdraws the consent; each step (opened, delivered,
/// acknowledged) is then a ledger entry, and the ledger's commit of that entry moves the recall's
/// status in the same transaction (`LedgerAppend.recallStep`).
public struct Recall: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Not yet taken by the provider: awaiting delivery, or in the manual queue.
        case open
        /// The provider's recall webhook answered 2xx.
        case delivered
        /// The provider acknowledged it with its own key.
        case acknowledged
    }

    /// Why the recall was opened.
    public enum Cause: String, Sendable {
        /// The consent the disclosures rested on was withdrawn.
        case consentWithdrawn = "consent-withdrawn"
        /// It expired.
        case consentExpired = "consent-expired"
        /// The subject's data must be erased (GDPR art. 17): every recipient is told (art. 19).
        case erasure
    }

    public var id: String
    public var subjectID: String
    public var providerID: String
    public var cause: Cause
    /// The consent whose end opened it; nil for an erasure.
    public var consentID: String?
    public var openedAt: Date
    public var disclosures: [RecalledDisclosure]
    /// The subject's token as the provider's gateway route sent it, when a route did.
    public var subjectToken: String?

    public var status: Status
    /// Ledger indexes of the recall's own entries, once appended.
    public var openedIndex: Int64?
    public var deliveredIndex: Int64?
    public var deliveredAt: Date?
    public var acknowledgedIndex: Int64?
    public var acknowledgedAt: Date?
    /// Delivery attempts so far, and when the next is due (while open).
    public var attempts: Int
    public var nextAttemptAt: Date
    /// Why the last attempt failed, for operators (never a value).
    public var lastError: String?

    public init(
        id: String, subjectID: String, providerID: String, cause: Cause, consentID: String?, openedAt: Date,
        disclosures: [RecalledDisclosure], subjectToken: String? = nil, status: Status = .open, openedIndex: Int64? = nil,
        deliveredIndex: Int64? = nil, deliveredAt: Date? = nil, acknowledgedIndex: Int64? = nil, acknowledgedAt: Date? = nil,
        attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.subjectID = subjectID
        self.providerID = providerID
        self.cause = cause
        self.consentID = consentID
        self.openedAt = openedAt
        self.disclosures = disclosures
        self.subjectToken = subjectToken
        self.status = status
        self.openedIndex = openedIndex
        self.deliveredIndex = deliveredIndex
        self.deliveredAt = deliveredAt
        self.acknowledgedIndex = acknowledgedIndex
        self.acknowledgedAt = acknowledgedAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? openedAt
        self.lastError = lastError
    }
}

/// One disclosure a recall names: where it is in the ledger, when and why it was made, the
/// categories that left under the consent, and the tokens the provider was given in them.
public struct RecalledDisclosure: Sendable, Equatable {
    public var ledgerIndex: Int64
    public var disclosureID: String
    public var time: Date
    public var purpose: String
    public var categories: [String]
    /// Field path to the token released at it.
    public var tokens: [String: String]

    public init(
        ledgerIndex: Int64, disclosureID: String, time: Date, purpose: String, categories: [String],
        tokens: [String: String] = [:]
    ) {
        self.ledgerIndex = ledgerIndex
        self.disclosureID = disclosureID
        self.time = time
        self.purpose = purpose
        self.categories = categories
        self.tokens = tokens
    }
}

/// A recall's step that a ledger entry records; the entry's commit applies it to the recall.
public struct RecallStep: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case opened, delivered, acknowledged
    }

    public var recallID: String
    public var kind: Kind
    public var at: Date

    public init(recallID: String, kind: Kind, at: Date) {
        self.recallID = recallID
        self.kind = kind
        self.at = at
    }
}

/// Decides the recalls to open from the subject's ledger entries and the subject's recalls so
/// far, both as committed in the opening's own transaction (so no disclosure committed before it
/// is missed, and none is recalled twice for one cause).
public typealias RecallPlanner = @Sendable (_ subjectEntries: [LedgerEntry], _ earlier: [Recall]) throws -> [Recall]

/// Recalls, opened with the withdrawal that causes them and moved on by ledger entries.
public protocol RecallStore: Sendable {
    /// Marks the consent withdrawn (its `withdrawnAt` and withdrawal receipt) unless it already
    /// is, and returns it as stored with the recalls opened; when this call is the one that
    /// withdraws it, and
    /// the consent's end has not opened recalls already (it expired first), the recalls `plan`
    /// returns are inserted and the end recorded, in the same transaction. Nil when there is no
    /// such consent for this subject.
    func withdraw(_ consent: Consent, openingRecalls plan: @escaping RecallPlanner) async throws -> (
        consent: Consent, recalls: [Recall]
    )?
    /// Consents expired at `now`, not withdrawn, whose end opened no recalls yet: at most `limit`.
    func expiredConsentsNotEnded(now: Date, limit: Int) async throws -> [Consent]
    /// Records that `consent` ended by expiry and inserts the recalls `plan` returns, in one
    /// transaction; nil (and nothing written) when its end was recorded already.
    func endExpiredConsent(_ consent: Consent, at time: Date, openingRecalls plan: @escaping RecallPlanner) async throws
        -> [Recall]?
    /// Inserts the recalls `plan` returns for the subject, in one transaction (an erasure).
    func openRecalls(subjectID: String, plan: @escaping RecallPlanner) async throws -> [Recall]
    func recall(id: String) async throws -> Recall?
    /// Ordered by id, from the first after `after`; filtered by status and provider when given.
    func recalls(status: Recall.Status?, providerID: String?, after: String?, limit: Int) async throws -> [Recall]
    func recalls(subjectID: String) async throws -> [Recall]
    /// Open recalls due at `now`, at most `limit`, each made not due again until `now + lease`
    /// in the same statement, so that of several replicas one takes each.
    func claimDueRecalls(now: Date, lease: TimeInterval, limit: Int) async throws -> [Recall]
    /// Recalls whose opened entry is not in the ledger (a crash between the withdrawal and its
    /// entries), opened before `before`.
    func recallsWithoutOpenedEntry(openedBefore before: Date, limit: Int) async throws -> [Recall]
    func markRecallAttempt(id: String, attempts: Int, retryAt: Date, error: String?) async throws
}
