/// Step 3, `no-agreement`: an agreement valid now, of a type every regime of the field accepts,
/// must cover this purpose and category. An exception the regimes admit stands in for it when the
/// provider's kind is one the exception may reach. An unknown provider has no agreement.
enum AgreementCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let input = context.input
        if let provider = input.provider {
            let covering = provider.agreements.first { a in
                a.isValid(at: input.time) && a.covers(purpose: input.purpose, category: context.category)
                    && context.regime.acceptsAgreementType(a.type)
            }
            if let covering {
                context.agreementID = covering.id
                return .pass
            }
        }
        if context.exceptionApplies, let exception = input.exception {
            context.exceptionBasis = exception.basis
            return .pass
        }
        return .fail(.noAgreement)
    }
}
