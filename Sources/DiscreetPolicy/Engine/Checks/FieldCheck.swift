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
    let input: DecisionInput
    let bundle: PolicyBundle
    let category: String
    let regime: EffectiveRegime
    /// The agreement that covers the field, once step 3 has found one.
    var agreementID: String?
    /// The consent that covers the field, once step 6 has found one.
    var consentID: String?
    /// The exception that stood in for an agreement or a consent.
    var exceptionBasis: String?

    /// Whether the request's exception may stand in here: every regime of the field admits it,
    /// and the provider's kind is one the exception may reach.
    var exceptionApplies: Bool {
        guard let exception = input.exception, let provider = input.provider,
            let rule = bundle.exceptions[exception.basis]
        else { return false }
        return regime.admitsException(exception.basis) && rule.recipientKinds.contains(provider.kind)
    }

    /// The basis a released field reports: an exception, else the consent, else the agreement.
    var basis: String? {
        if let exceptionBasis { return "exception:\(exceptionBasis)" }
        if let consentID { return "consent:\(consentID)" }
        if let agreementID { return "agreement:\(agreementID)" }
        return nil
    }
}
