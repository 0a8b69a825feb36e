/// A legal exception invoked on one request: the basis, why, the facts, and who asked.
public struct ExceptionInvocation: Sendable, Equatable {
    /// `serious-threat`, `medical-emergency`, `legal-obligation`, ...
    public var basis: String
    public var justification: String
    public var facts: String
    /// The authority or person on whose behalf the exception is invoked, if named.
    public var authority: String?

    public init(basis: String, justification: String, facts: String, authority: String? = nil) {
        self.basis = basis
        self.justification = justification
        self.facts = facts
        self.authority = authority
    }
}
