/// The verdict of checks 2 to 6 for one category: every field of that category in one request
/// shares it, so it is computed once.
struct CategoryVerdict {
    var reason: ReasonCode
    var basis: String?
    /// The purpose's transform, when permitted.
    var listed: CompiledPurpose.Listed?
    var category: String

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
    private var released: [Bool] = []
    private var releasedOrder: [Int] = []

    init(scope: RequestScope) {
        self.scope = scope
        slots = [Int32](repeating: -1, count: scope.compiled.categoryNames.count)
        verdicts.reserveCapacity(16)
        released.reserveCapacity(16)
    }

    mutating func verdict(for category: Int) -> CategoryVerdict {
        let slot = slots[category]
        if slot >= 0 { return verdicts[Int(slot)] }
        let v = evaluate(category)
        slots[category] = Int32(verdicts.count)
        verdicts.append(v)
        released.append(false)
        return v
    }

    /// Records that a field of `category` left (released or transformed); call after `verdict(for:)`.
    mutating func markReleased(_ category: Int) {
        let slot = Int(slots[category])
        guard !released[slot] else { return }
        released[slot] = true
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
