/// Step 4, `not-needed`: the purpose does not list the category (minimum necessary).
enum MinimumNecessaryCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        context.scope.purpose.listed[context.category] != nil ? .pass : .fail(.notNeeded)
    }
}
