/// One step of the decision rule (DESIGN §3). Each step is a small type in its own file, in the
/// shape of swift-certificates' verifier policies: it passes, or fails with its reason code.
protocol FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult
}

enum CheckResult: Equatable {
    case pass
    case fail(ReasonCode)
}

/// What a check sees for one category of one request, and the bases earlier checks found.
struct CheckContext {
    let scope: RequestScope
    let category: Int
    let categoryName: String
    let regimes: RegimeSet
    /// The agreement that covers the field (an index in `scope.agreements`), once step 3 found one.
    var agreement: Int?
    /// The consent that covers the field, once step 6 has found one.
    var consentID: String?
    /// Whether the request's exception stood in for an agreement or a consent.
    var exceptionUsed = false

    init(scope: RequestScope, category: Int) {
        self.scope = scope
        self.category = category
        self.categoryName = scope.compiled.categoryNames[category]
        self.regimes = RegimeSet(own: scope.compiled.ownRegime[category], tagged: scope.tagRegimes)
    }

    /// Whether the request's exception may stand in here: every regime of the field admits it,
    /// and the provider's kind is one the exception may reach (the scope checked that part).
    var exceptionApplies: Bool {
        guard scope.exceptionBasis != nil, !regimes.isEmpty else { return false }
        let admitted = scope.exceptionAdmitted
        return regimes.allSatisfy { admitted[$0] }
    }

    /// The basis a released field reports: an exception, else the consent, else the agreement.
    var basis: String? {
        if exceptionUsed, let basis = scope.exceptionBasis { return "exception:" + basis }
        if let consentID { return "consent:" + consentID }
        if let agreement { return "agreement:" + scope.agreements[agreement].id }
        return nil
    }
}
