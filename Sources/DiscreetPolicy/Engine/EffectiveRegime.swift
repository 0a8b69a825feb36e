/// Every regime that applies to one field, combined so that the strictest wins.
///
/// A field falls under its category's regime and under the regimes its record's and subject's
/// tags add. Consent is required when any regime requires it for the purpose; a consent to "any
/// contracted provider" counts only when every consent-requiring regime allows that; an exception
/// must be admitted by every regime; agreement types must satisfy every regime that restricts them.
public struct EffectiveRegime: Sendable, Equatable {
    public let regimes: [Regime]

    public init(_ regimes: [Regime]) { self.regimes = regimes }

    public func requiresConsent(for purpose: String) -> Bool { regimes.contains { $0.requiresConsent(for: purpose) } }

    public func acceptsAnyContractedProvider(for purpose: String) -> Bool {
        regimes.allSatisfy { $0.acceptsAnyContractedProvider(for: purpose) }
    }

    public func admitsException(_ basis: String) -> Bool {
        !regimes.isEmpty && regimes.allSatisfy { $0.exceptions.contains(basis) }
    }

    public var guardsCompetitors: Bool { regimes.contains { $0.guardsCompetitors } }

    public func acceptsAgreementType(_ type: String) -> Bool {
        regimes.allSatisfy { $0.agreementTypes?.contains(type) ?? true }
    }

    public var notices: [String] { regimes.compactMap(\.notice) }
}

extension PolicyBundle {
    /// The regimes that apply to `category` for a subject and record with these tags, in a
    /// stable order (the category's own first). Names the bundle does not know add nothing.
    public func effectiveRegime(category: String, tags: Set<String>) -> EffectiveRegime {
        var names: [String] = []
        if let own = categories[category] { names.append(own) }
        for tag in tags.sorted() {
            for name in self.tags[tag] ?? [] where !names.contains(name) { names.append(name) }
        }
        return EffectiveRegime(names.compactMap { regimes[$0] })
    }
}
