/// Step 6, `no-consent`, `consent-expired`, `consent-withdrawn`: where a regime of the field
/// requires consent for this purpose, a consent in force must cover the provider (by name, or any
/// contracted provider where every such regime allows it), the purpose and the category. An
/// exception the regimes admit, invoked by an exception officer, stands in for it.
///
/// When nothing is in force, the reason says why: a covering consent that was withdrawn, else one
/// that expired, else none at all. Among consents in force, the one lasting longest is the basis
/// (the smallest id on a tie), so the same state always gives the same basis.
enum ConsentCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let scope = context.scope
        let purpose = scope.purpose
        guard context.regimes.contains(where: { purpose.requiresConsent[$0] }) else { return .pass }
        let allowAny = context.regimes.allSatisfy { purpose.acceptsAnyProvider[$0] }
        let name = context.categoryName
        var sawWithdrawn = false
        var sawExpired = false
        var best: Int?
        let consents = scope.consents
        // Fields read in place: a consent is not copied to be looked at.
        for i in consents.indices {
            guard consents[i].named || (consents[i].anyProvider && allowAny),
                consents[i].categories.contains(where: { $0.matches(name) })
            else { continue }
            switch consents[i].status {
            case .active:
                if let b = best {
                    let (e, held) = (consents[i].expiresAt, consents[b].expiresAt)
                    if e > held || (e == held && consents[i].id < consents[b].id) { best = i }
                } else {
                    best = i
                }
            case .withdrawn: sawWithdrawn = true
            case .expired: sawExpired = true
            case .notYetValid: break
            }
        }
        if let best {
            context.consentID = scope.consents[best].id
            return .pass
        }
        if context.exceptionApplies {
            context.exceptionUsed = true
            return .pass
        }
        if sawWithdrawn { return .fail(.consentWithdrawn) }
        if sawExpired { return .fail(.consentExpired) }
        return .fail(.noConsent)
    }
}
