/// A bundle compiled once, when it is loaded: categories, regimes and purposes become integer ids,
/// every per-regime answer that depends only on the purpose is computed ahead, and each record
/// type becomes a trie of path segments. Deciding a field then hashes no string but its own key.
///
/// Built from a validated bundle; nothing here changes what is decided (the differential tests
/// hold the engine to a plain reference of the rule).
final class CompiledBundle: Sendable {
    let categoryNames: [String]
    /// Each category's own regime id, or -1 when its regime is not in the bundle.
    let ownRegime: [Int]
    let regimes: [Regime]
    let guardsCompetitors: [Bool]
    /// Whether any regime restricts agreement types (most bundles: none, and that check is skipped).
    let restrictsAgreementTypes: Bool
    /// Tag to the ids of the regimes it adds, in the bundle's order, unknown names dropped.
    let tagRegimes: [String: [Int]]
    let purposes: [String: CompiledPurpose]
    let records: [String: CompiledRecord]
    let exceptionRules: [String: ExceptionRule]

    init(_ bundle: PolicyBundle) {
        let regimeNames = bundle.regimes.keys.sorted()
        regimes = regimeNames.map { bundle.regimes[$0]! }
        var regimeIDs: [String: Int] = [:]
        for (i, n) in regimeNames.enumerated() { regimeIDs[n] = i }
        guardsCompetitors = regimes.map(\.guardsCompetitors)
        restrictsAgreementTypes = regimes.contains { $0.agreementTypes != nil }

        let categoryNames = Set(bundle.categories.keys).union(bundle.records.values.flatMap(\.fields.values))
            .union(bundle.purposes.values.flatMap(\.transforms.keys)).sorted()
        self.categoryNames = categoryNames
        var categoryIDs: [String: Int] = [:]
        for (i, n) in categoryNames.enumerated() { categoryIDs[n] = i }
        ownRegime = categoryNames.map { c in bundle.categories[c].flatMap { regimeIDs[$0] } ?? -1 }

        var tagRegimes: [String: [Int]] = [:]
        for (tag, names) in bundle.tags { tagRegimes[tag] = names.compactMap { regimeIDs[$0] } }
        self.tagRegimes = tagRegimes

        var purposes: [String: CompiledPurpose] = [:]
        for (name, p) in bundle.purposes {
            purposes[name] = CompiledPurpose(p, named: name, categoryIDs: categoryIDs, regimes: regimes)
        }
        self.purposes = purposes
        var records: [String: CompiledRecord] = [:]
        for (name, r) in bundle.records { records[name] = CompiledRecord(r, categoryIDs: categoryIDs) }
        self.records = records
        exceptionRules = bundle.exceptions
    }
}

/// A purpose with its minimum-necessary list by category id, and what each regime asks of it.
struct CompiledPurpose: Sendable {
    /// A listed category's transform, and the name decisions report for it (built once).
    struct Listed: Sendable {
        var transform: Transform
        var name: String?
    }

    /// By category id; nil when the purpose does not list the category (`not-needed`).
    let listed: [Listed?]
    /// By regime id: the regime requires consent for this purpose.
    let requiresConsent: [Bool]
    /// By regime id: the regime lets a consent to "any contracted provider" stand for this purpose.
    let acceptsAnyProvider: [Bool]
    /// Whether any listed category is scrubbed: records are then read twice, first for the values
    /// `scrub` removes from their free text.
    let scrubs: Bool
    /// `deidentify: safe-harbor`.
    let safeHarbor: Bool

    /// `name` is the purpose's key in the bundle, the name requests use.
    init(_ purpose: Purpose, named name: String, categoryIDs: [String: Int], regimes: [Regime]) {
        var listed = [Listed?](repeating: nil, count: categoryIDs.count)
        for (category, t) in purpose.transforms {
            if let id = categoryIDs[category] { listed[id] = Listed(transform: t, name: t.name) }
        }
        self.listed = listed
        scrubs = purpose.transforms.values.contains(where: \.isScrub)
        safeHarbor = purpose.safeHarbor
        requiresConsent = regimes.map { $0.requiresConsent(for: name) }
        acceptsAnyProvider = regimes.map { $0.acceptsAnyContractedProvider(for: name) }
    }
}
