/// The verdict of checks 2 to 6 for one category: every field of that category in one request
/// shares it, so it is computed once.
struct CategoryVerdict {
    var reason: ReasonCode
    var basis: String?
    /// The purpose's transform, when permitted.
    var listed: CompiledPurpose.Listed?
    var category: String
    /// Whether a field of this category has left in this request (for notices).
    var released = false

    func decision(field: String) -> FieldDecision {
        guard reason == .permitted, let listed else {
            return FieldDecision(field: field, category: category, outcome: .withheld, reason: reason)
        }
        return FieldDecision(
            field: field, category: category, outcome: listed.transform == .release ? .released : .transformed,
            reason: .permitted, basis: basis, transform: listed.name)
    }
}

/// Each category's verdict in one request, by category id, and the order in which categories first
/// released something (the order notices are given in).
struct VerdictCache {
    let scope: RequestScope
    /// By category id: the index of its verdict in `verdicts`, or -1 before it is evaluated.
    private var slots: [Int32]
    private var verdicts: [CategoryVerdict] = []
    private var releasedOrder: [Int] = []

    init(scope: RequestScope) {
        self.scope = scope
        slots = [Int32](repeating: -1, count: scope.compiled.categoryNames.count)
        verdicts.reserveCapacity(16)
    }

    /// The transform a permitted category gets, or nil when its fields are withheld.
    mutating func permittedTransform(_ category: Int) -> Transform? {
        let i = slot(category)
        return verdicts[i].reason == .permitted ? verdicts[i].listed?.transform : nil
    }

    func categoryName(_ category: Int) -> String { scope.compiled.categoryNames[category] }

    /// The decision for a field of `category`, straight from the stored verdict.
    mutating func decision(field: String, category: Int) -> FieldDecision {
        let i = slot(category)
        let d = verdicts[i].decision(field: field)
        if d.outcome != .withheld { markReleased(slot: i, category: category) }
        return d
    }

    private mutating func slot(_ category: Int) -> Int {
        let slot = slots[category]
        if slot >= 0 { return Int(slot) }
        let i = verdicts.count
        verdicts.append(evaluate(category))
        slots[category] = Int32(i)
        return i
    }

    private mutating func markReleased(slot: Int, category: Int) {
        guard !verdicts[slot].released else { return }
        verdicts[slot].released = true
        releasedOrder.append(category)
    }

    /// Checks 2 to 6, in the order DESIGN §3 gives; the first failure is the reason.
    private func evaluate(_ category: Int) -> CategoryVerdict {
        var context = CheckContext(scope: scope, category: category)
        var result = RestrictionCheck.evaluate(&context)
        if result == .pass { result = AgreementCheck.evaluate(&context) }
        if result == .pass { result = MinimumNecessaryCheck.evaluate(&context) }
        if result == .pass { result = ConflictOfInterestCheck.evaluate(&context) }
        if result == .pass { result = ConsentCheck.evaluate(&context) }
        if case .fail(let reason) = result {
            return CategoryVerdict(reason: reason, basis: nil, listed: nil, category: context.categoryName)
        }
        return CategoryVerdict(
            reason: .permitted, basis: context.basis, listed: scope.purpose.listed[category], category: context.categoryName)
    }

    /// Notices of every regime under which a field was released, each once, in first-seen order.
    func notices() -> [String] {
        var out: [String] = []
        let all = scope.compiled.regimes
        for category in releasedOrder {
            let regimes = RegimeSet(own: scope.compiled.ownRegime[category], tagged: scope.tagRegimes)
            _ = regimes.allSatisfy { r in
                if let n = all[r].notice, !out.contains(n) { out.append(n) }
                return true
            }
        }
        return out
    }
}
