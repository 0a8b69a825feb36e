/// Why a field was withheld, or `permitted`. Stable: clients and auditors match on these strings.
public enum ReasonCode: String, Sendable, CaseIterable {
    case unmappedField = "unmapped-field"
    case restricted
    case noAgreement = "no-agreement"
    case notNeeded = "not-needed"
    case conflictOfInterest = "conflict-of-interest"
    case noConsent = "no-consent"
    case consentExpired = "consent-expired"
    case consentWithdrawn = "consent-withdrawn"
    /// The purpose's transform cannot apply to the value sent (a date transform on a value that is
    /// not a date, for instance): withheld rather than released untransformed.
    case untransformable
    case permitted
}

/// What left, for one field.
public enum Outcome: String, Sendable {
    case released, transformed, withheld
}
