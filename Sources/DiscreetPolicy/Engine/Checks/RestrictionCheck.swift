/// Step 2, `restricted`: the subject asked that this provider, purpose or category receive nothing.
/// No consent or exception overrides a subject's restriction.
enum RestrictionCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let input = context.input
        let hit = input.subject?.restrictions.contains {
            $0.applies(provider: input.providerID, purpose: input.purpose, category: context.category)
        }
        return hit == true ? .fail(.restricted) : .pass
    }
}
