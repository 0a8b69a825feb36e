import DiscreetJSON

extension GatewayRoute {
    /// Whether a request on this route releases the subject's own token: every egress route whose
    /// provider knows subjects by token (the token goes where the id was), and a pull route of that
    /// kind that reads the subject from the internal API's answer (the answer's id is replaced).
    /// A pull route that reads it from the provider's path or header was handed the token by the
    /// provider itself: nothing new leaves.
    public var releasesSubjectToken: Bool {
        guard subjectNaming == .token else { return false }
        switch (direction, subject) {
        case (.egress, _), (.pull, .pointer), (.pull, .eachRecord): return true
        case (.pull, .pathParameter), (.pull, .header): return false
        }
    }

    /// The forwarded body with each subject's token where the route reads the subject's id in the
    /// body (a pointer outside the records, or each record's own member): `tokens[k]` is group k's.
    /// The id never leaves, whether or not the record type maps its member. Sources outside the
    /// body (a path parameter, a header) are left to the caller.
    public func placingSubjectTokens(in body: JSONValue, _ subjects: GatewaySubjects, tokens: [String]) -> JSONValue {
        precondition(tokens.count == subjects.groups.count)
        switch subject {
        case .pointer(let pointer):
            guard let token = tokens.first else { return body }
            return body.setting(.string(token), at: pointer.tokens[...])
        case .eachRecord(let inRecord):
            guard case .each(let array) = record else { return body }
            var out = body
            for (group, token) in zip(subjects.groups, tokens) {
                for position in group.positions {
                    out = out.setting(.string(token), at: (array.tokens + [String(position)] + inRecord.tokens)[...])
                }
            }
            return out
        case .pathParameter, .header:
            return body
        }
    }
}
