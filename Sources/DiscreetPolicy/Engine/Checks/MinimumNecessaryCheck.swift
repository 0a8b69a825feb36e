/// Step 4, `not-needed`: the purpose does not list the category (minimum necessary).
enum MinimumNecessaryCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let listed = context.bundle.purposes[context.input.purpose]?.transforms[context.category] != nil
        return listed ? .pass : .fail(.notNeeded)
    }
}
