/// Step 3, `no-agreement`: an agreement valid now, of a type every regime of the field accepts,
/// must cover this purpose and category. A request's exception stands in for it when the
/// provider's kind is one the exception may reach (DESIGN §3): at this step only the recipient's
/// kind matters. Whether each regime admits the exception is asked at step 6, where it stands in
/// for consent. An unknown provider has no agreement.
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
        if context.scope.exceptionBasis != nil {
            context.exceptionUsed = true
            return .pass
        }
        return .fail(.noAgreement)
    }
}
