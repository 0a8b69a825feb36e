/// Step 5, `conflict-of-interest`: the field's regime guards against competitors, the provider
/// declares it serves a competitor of the subject, and no consent that names this provider,
/// covers this purpose and category, is in force and acknowledges the conflict.
enum ConflictOfInterestCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let scope = context.scope
        let guards = scope.compiled.guardsCompetitors
        guard scope.servesCompetitor, context.regimes.contains(where: { guards[$0] }) else { return .pass }
        let name = context.categoryName
        let acknowledged = scope.consents.contains { c in
            c.acknowledgesConflict && c.status == .active && c.categories.contains { $0.matches(name) }
        }
        return acknowledged ? .pass : .fail(.conflictOfInterest)
    }
}
