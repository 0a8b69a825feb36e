import DiscreetPolicy
import Foundation

/// What every store does when a consent is withdrawn or an exception reviewed, whatever holds the
/// rows: written once, so SQLite and PostgreSQL cannot drift apart.
extension Consent {
    /// This stored consent withdrawn as `withdrawal` says (its time and receipt), or nil when it
    /// was already withdrawn: a withdrawal is final, and the first one stands.
    public func withdrawn(as withdrawal: Consent) -> Consent? {
        guard withdrawnAt == nil else { return nil }
        var updated = self
        updated.withdrawnAt = withdrawal.withdrawnAt
        updated.withdrawalReceiptID = withdrawal.withdrawalReceiptID
        updated.withdrawalReceipt = withdrawal.withdrawalReceipt
        return updated
    }
}

extension ExceptionReview {
    /// Records the verdict on a pending review; a reviewed one is final.
    public mutating func record(
        verdict: Status, reviewer: String, comment: String, by keyID: String, at: Date
    ) throws(ReviewRefusal) {
        guard status == .pending else { throw .alreadyReviewed }
        status = verdict
        self.reviewer = reviewer
        self.comment = comment
        reviewedBy = keyID
        reviewedAt = at
    }
}
