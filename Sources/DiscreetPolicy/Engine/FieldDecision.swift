/// The decision on one field: DESIGN §3's explanation, in stable codes.
public struct FieldDecision: Sendable, Equatable {
    /// The concrete path in the record (`treatments[0].code`).
    public var field: String
    /// Nil when the field is not mapped.
    public var category: String?
    public var outcome: Outcome
    public var reason: ReasonCode
    /// `consent:<id>`, `agreement:<id>` or `exception:<name>`; nil when withheld.
    public var basis: String?
    /// The transform's name (`mask:4`), when one applied.
    public var transform: String?
    /// For `scrub`: how many of each kind or record field it removed (never what).
    public var scrubbed: [ScrubCount]?
    /// For `tokenize`: the token released in the value's place. Random, never derived from the
    /// value, so it may be recorded: the ledger then proves which provider was given it.
    public var token: String?

    public init(
        field: String, category: String?, outcome: Outcome, reason: ReasonCode, basis: String? = nil,
        transform: String? = nil, scrubbed: [ScrubCount]? = nil
    ) {
        self.field = field
        self.category = category
        self.outcome = outcome
        self.reason = reason
        self.basis = basis
        self.transform = transform
        self.scrubbed = scrubbed
    }
}
