/// An outsourced mission and its minimum-necessary list: each category it needs, and the
/// transform that category gets.
public struct Purpose: Sendable, Equatable {
    public var name: String
    public var transforms: [String: Transform]
    /// Whether disclosures for this purpose appear in a HIPAA-scoped accounting (164.528).
    public var accountable: Bool
    /// `deidentify: safe-harbor`: what leaves for this purpose is de-identified by HIPAA's Safe
    /// Harbor method (`SafeHarbor`).
    public var safeHarbor: Bool

    public init(name: String, transforms: [String: Transform], accountable: Bool = true, safeHarbor: Bool = false) {
        self.name = name
        self.transforms = transforms
        self.accountable = accountable
        self.safeHarbor = safeHarbor
    }
}
