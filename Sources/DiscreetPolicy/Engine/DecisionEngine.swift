import DiscreetJSON

/// The decision rule of DESIGN §3 over a validated bundle.
///
/// Pure: it decides from the bundle and a `DecisionInput` the caller gathered, and reads no clock,
/// file or socket. Fail closed: a field is released only when every check passes; an unmapped
/// field, an unknown provider or a transform that cannot apply withholds.
public struct DecisionEngine: Sendable {
    public let bundle: PolicyBundle

    /// The most fields one request may carry: each gets a decision, in the answer and the ledger.
    public static let maxFields = 10_000

    public init(bundle: PolicyBundle) { self.bundle = bundle }

    /// Decides a record with its values and builds what may leave.
    public func disclose(record: JSONObject, input: DecisionInput, pseudonymizer: Pseudonymizer) throws(RequestRefusal)
        -> DisclosureResult
    {
        let (recordType, cache) = try prepare(input)
        var walk = RecordWalk(recordType: recordType, verdicts: cache, pseudonymizer: pseudonymizer)
        let released = walk.object(record, concretePrefix: "", patternPrefix: "")
        guard walk.decisions.count <= Self.maxFields else { throw .tooManyFields(Self.maxFields) }
        return DisclosureResult(
            decisions: walk.decisions, released: released ?? JSONObject(), notices: walk.verdicts.notices(walk.decisions))
    }

    /// Decides field paths without values (`POST /v1/decisions`). A path may be concrete
    /// (`treatments[0].code`) or a pattern (`treatments[].code`).
    public func decide(fields: [String], input: DecisionInput) throws(RequestRefusal) -> DecisionResult {
        guard fields.count <= Self.maxFields else { throw .tooManyFields(Self.maxFields) }
        let (recordType, cache) = try prepare(input)
        var verdicts = cache
        var decisions: [FieldDecision] = []
        decisions.reserveCapacity(fields.count)
        for field in fields {
            let pattern = RecordWalk.pattern(ofConcrete: field)
            guard let pattern, let category = recordType.fields[pattern] else {
                decisions.append(FieldDecision(field: field, category: nil, outcome: .withheld, reason: .unmappedField))
                continue
            }
            let v = verdicts.verdict(for: category)
            decisions.append(v.decision(field: field, category: category))
        }
        return DecisionResult(decisions: decisions, notices: verdicts.notices(decisions))
    }

    private func prepare(_ input: DecisionInput) throws(RequestRefusal) -> (RecordType, VerdictCache) {
        guard bundle.purposes[input.purpose] != nil else { throw .unknownPurpose(input.purpose) }
        guard let recordType = bundle.records[input.recordType] else { throw .unknownRecordType(input.recordType) }
        if let exception = input.exception, bundle.exceptions[exception.basis] == nil {
            throw .unknownException(exception.basis)
        }
        if let provider = input.provider, provider.suspended { throw .providerSuspended(provider.id) }
        return (recordType, VerdictCache(bundle: bundle, input: input))
    }
}

/// The outcome of a disclosure: a decision per field, the record holding only what passed, and
/// the notices of every regime under which something was released.
public struct DisclosureResult: Sendable {
    public var decisions: [FieldDecision]
    public var released: JSONObject
    public var notices: [String]
}

/// The outcome of a values-free decision.
public struct DecisionResult: Sendable {
    public var decisions: [FieldDecision]
    public var notices: [String]
}

/// The verdict of checks 2 to 6 for one category: every field of that category in one request
/// shares it, so it is computed once.
struct CategoryVerdict {
    var reason: ReasonCode
    var basis: String?
    var transform: Transform?
    var notices: [String]

    func decision(field: String, category: String) -> FieldDecision {
        guard reason == .permitted, let transform else {
            return FieldDecision(field: field, category: category, outcome: .withheld, reason: reason)
        }
        return FieldDecision(
            field: field, category: category, outcome: transform == .release ? .released : .transformed,
            reason: .permitted, basis: basis, transform: transform.name)
    }
}

struct VerdictCache {
    let bundle: PolicyBundle
    let input: DecisionInput
    /// The record's and the subject's tags, sorted once per request.
    let sortedTags: [String]
    private var cache: [String: CategoryVerdict] = [:]

    init(bundle: PolicyBundle, input: DecisionInput) {
        self.bundle = bundle
        self.input = input
        let tags = input.recordTags.union(input.subject?.tags ?? [])
        self.sortedTags = tags.isEmpty ? [] : tags.sorted()
    }

    mutating func verdict(for category: String) -> CategoryVerdict {
        if let v = cache[category] { return v }
        let v = evaluate(category)
        cache[category] = v
        return v
    }

    /// Checks 2 to 6, in the order DESIGN §3 gives; the first failure is the reason.
    private func evaluate(_ category: String) -> CategoryVerdict {
        let regime = bundle.effectiveRegime(category: category, sortedTags: sortedTags)
        var context = CheckContext(input: input, bundle: bundle, category: category, regime: regime)
        func run(_ step: (inout CheckContext) -> CheckResult) -> ReasonCode? {
            if case .fail(let reason) = step(&context) { return reason }
            return nil
        }
        if let reason = run(RestrictionCheck.evaluate) ?? run(AgreementCheck.evaluate) ?? run(MinimumNecessaryCheck.evaluate)
            ?? run(ConflictOfInterestCheck.evaluate) ?? run(ConsentCheck.evaluate)
        {
            return CategoryVerdict(reason: reason, basis: nil, transform: nil, notices: [])
        }
        let transform = bundle.purposes[input.purpose]?.transforms[category]
        return CategoryVerdict(reason: .permitted, basis: context.basis, transform: transform, notices: regime.notices)
    }

    /// Notices of every regime under which a field was released, each once, in first-seen order.
    func notices(_ decisions: [FieldDecision]) -> [String] {
        var out: [String] = []
        for d in decisions where d.outcome != .withheld {
            guard let c = d.category, let v = cache[c] else { continue }
            for n in v.notices where !out.contains(n) { out.append(n) }
        }
        return out
    }
}
