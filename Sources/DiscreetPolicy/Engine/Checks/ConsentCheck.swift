/// Step 6, `no-consent`, `consent-expired`, `consent-withdrawn`: where a regime of the field
/// requires consent for this purpose, a consent in force must cover the provider (by name, or any
/// contracted provider where every such regime allows it), the purpose and the category. An
/// exception the regimes admit, invoked by an exception officer, stands in for it.
///
/// When nothing is in force, the reason says why: a covering consent that was withdrawn, else one
/// that expired, else none at all.
enum ConsentCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let input = context.input
        guard context.regime.requiresConsent(for: input.purpose) else { return .pass }
        let allowAny = context.regime.acceptsAnyContractedProvider(for: input.purpose)
        var sawWithdrawn = false
        var sawExpired = false
        var best: Consent?
        for c in input.consents
        where c.covers(provider: input.providerID, purpose: input.purpose, category: context.category, allowAnyProvider: allowAny)
        {
            switch c.status(at: input.time) {
            case .active:
                if best == nil || c.expiresAt > best!.expiresAt || (c.expiresAt == best!.expiresAt && c.id < best!.id) {
                    best = c
                }
            case .withdrawn: sawWithdrawn = true
            case .expired: sawExpired = true
            case .notYetValid: break
            }
        }
        if let best {
            context.consentID = best.id
            return .pass
        }
        if context.exceptionApplies, let exception = input.exception {
            context.exceptionBasis = exception.basis
            return .pass
        }
        if sawWithdrawn { return .fail(.consentWithdrawn) }
        if sawExpired { return .fail(.consentExpired) }
        return .fail(.noConsent)
    }
}
