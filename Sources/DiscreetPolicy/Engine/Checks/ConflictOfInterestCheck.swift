/// Step 5, `conflict-of-interest`: the field's regime guards against competitors, the provider
/// declares it serves a competitor of the subject, and no consent that names this provider,
/// covers this purpose and category, is in force and acknowledges the conflict.
enum ConflictOfInterestCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let input = context.input
        guard context.regime.guardsCompetitors, let provider = input.provider,
            provider.servesCompetitorsOf.contains(input.subjectID)
        else { return .pass }
        let acknowledged = input.consents.contains { c in
            c.acknowledgesConflict && c.status(at: input.time) == .active
                && c.covers(
                    provider: provider.id, purpose: input.purpose, category: context.category, allowAnyProvider: false)
        }
        return acknowledged ? .pass : .fail(.conflictOfInterest)
    }
}
