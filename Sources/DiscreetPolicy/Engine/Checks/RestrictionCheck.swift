/// Step 2, `restricted`: the subject asked that this provider, purpose or category receive nothing.
/// No consent or exception overrides a subject's restriction.
enum RestrictionCheck: FieldCheck {
    static func evaluate(_ context: inout CheckContext) -> CheckResult {
        let name = context.categoryName
        let hit = context.scope.restrictions.contains { $0?.matches(name) ?? true }
        return hit ? .fail(.restricted) : .pass
    }
}
