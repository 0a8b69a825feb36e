/// Step 3, `no-agreement`: an agreement valid now, of a type every regime of the field accepts,
/// must cover this purpose and category. An exception the regimes admit stands in for it when the
/// provider's kind is one the exception may reach. An unknown provider has no agreement.
enum AgreementCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let scope = context.scope
        let name = context.categoryName
        for i in scope.agreements.indices where scope.agreements[i].categories.contains(where: { $0.matches(name) }) {
            if scope.agreementAccepted.isEmpty || context.regimes.allSatisfy({ scope.agreementAccepted[i][$0] }) {
                context.agreement = i
                return .pass
            }
        }
        if context.exceptionApplies {
            context.exceptionUsed = true
            return .pass
        }
        return .fail(.noAgreement)
    }
}
