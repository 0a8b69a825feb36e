/// A client, patient or partner, known by the professional's own opaque id.
public struct Subject: Sendable, Equatable {
    public var id: String
    /// Tags that put all of the subject's data under further regimes (`part2-program`).
    public var tags: Set<String>
    /// What the subject asked never to be disclosed.
    public var restrictions: [Restriction]

    public init(id: String, tags: Set<String> = [], restrictions: [Restriction] = []) {
        self.id = id
        self.tags = tags
        self.restrictions = restrictions
    }
}

/// "Never to provider X", "nothing about this care to the health plan": every part that is set
/// must match for the restriction to apply; a restriction with no part set is invalid.
public struct Restriction: Sendable, Equatable {
    public var provider: String?
    public var purpose: String?
    public var category: CategoryPattern?

    public init(provider: String? = nil, purpose: String? = nil, category: CategoryPattern? = nil) {
        self.provider = provider
        self.purpose = purpose
        self.category = category
    }

    public var isEmpty: Bool { provider == nil && purpose == nil && category == nil }

    public func applies(provider p: String, purpose u: String, category c: String) -> Bool {
        concerns(provider: p, purpose: u) && (category?.matches(c) ?? true)
    }

    /// Whether the restriction can apply to this provider and purpose, whatever the category.
    public func concerns(provider p: String, purpose u: String) -> Bool {
        guard !isEmpty else { return false }
        if let provider, provider != p { return false }
        if let purpose, purpose != u { return false }
        return true
    }
}
