import Foundation

/// What one request decides from, narrowed once before any field is looked at: the agreements in
/// force for this purpose, the restrictions and consents that can concern this provider and
/// purpose (with each consent's status at the request's instant), and the regimes the record's
/// and subject's tags add. Each category then only matches patterns against its own name.
///
/// A class so that each category's checks share it without copying its arrays.
final class RequestScope {
    let compiled: CompiledBundle
    let purpose: CompiledPurpose
    /// Regime ids the tags add, first-seen in sorted tag order, each once.
    let tagRegimes: [Int]
    /// Agreements valid at the request's instant that name the purpose, in the provider's order.
    let agreements: [Agreement]
    /// For each of `agreements`, by regime id: whether the regime accepts its type (empty when no
    /// regime restricts types).
    let agreementAccepted: [[Bool]]
    /// The category part of each restriction that names this provider and purpose (or neither);
    /// nil stands for "every category".
    let restrictions: [CategoryPattern?]
    let consents: [ScopedConsent]
    /// The provider declares it serves a competitor of the subject.
    let servesCompetitor: Bool
    /// The request's exception, when its rule may reach this provider's kind; nil otherwise.
    let exceptionBasis: String?
    /// By regime id, for `exceptionBasis`: whether the regime admits it.
    let exceptionAdmitted: [Bool]
    /// The request instant's year (UTC), for Safe Harbor's rule on ages over 89: formatted only for
    /// a request that applies that rule, not on every request's path.
    private(set) lazy var decisionYear: Int = Int(RFC3339.format(time).prefix(4)) ?? 0
    private let time: Date
    /// The purpose deidentifies by Safe Harbor.
    var safeHarbor: Bool { purpose.safeHarbor }

    /// A consent that names this purpose and this provider (or any contracted provider).
    struct ScopedConsent {
        var id: String
        var categories: [CategoryPattern]
        var status: Consent.Status
        var expiresAt: Date
        /// Names the provider by its id.
        var named: Bool
        /// Names `*`, any contracted provider.
        var anyProvider: Bool
        /// Names the registered provider and acknowledges its service to competitors.
        var acknowledgesConflict: Bool
    }

    init(input: DecisionInput, compiled: CompiledBundle, purpose: CompiledPurpose) {
        self.compiled = compiled
        self.purpose = purpose
        self.time = input.time

        self.tagRegimes = Self.tagRegimes(input.recordTags, input.subject?.tags ?? [], compiled)

        let time = input.time
        let purposeName = input.purpose
        let agreements =
            input.provider?.agreements.filter { $0.isValid(at: time) && $0.purposes.contains(purposeName) } ?? []
        self.agreements = agreements
        agreementAccepted =
            compiled.restrictsAgreementTypes
            ? agreements.map { a in compiled.regimes.map { $0.agreementTypes?.contains(a.type) ?? true } } : []

        restrictions =
            input.subject?.restrictions.filter { $0.concerns(provider: input.providerID, purpose: purposeName) }
            .map(\.category) ?? []

        let providerID = input.providerID
        let registeredID = input.provider?.id
        // Fields are read in place: a consent (a dozen references) is never copied whole.
        let all = input.consents
        var consents: [ScopedConsent] = []
        for i in all.indices {
            let named = all[i].provider == providerID
            let any = all[i].provider == Consent.anyProvider
            let registered = all[i].provider == registeredID
            guard named || any || registered, all[i].purposes.contains(purposeName) else { continue }
            consents.append(
                ScopedConsent(
                    id: all[i].id, categories: all[i].categories, status: all[i].status(at: time),
                    expiresAt: all[i].expiresAt, named: named, anyProvider: any,
                    acknowledgesConflict: all[i].acknowledgesConflict && registered))
        }
        self.consents = consents
        servesCompetitor = input.provider.map { $0.servesCompetitorsOf.contains(input.subjectID) } ?? false

        if let exception = input.exception, let provider = input.provider,
            let rule = compiled.exceptionRules[exception.basis], rule.recipientKinds.contains(provider.kind)
        {
            exceptionBasis = exception.basis
            exceptionAdmitted = compiled.regimes.map { $0.exceptions.contains(exception.basis) }
        } else {
            exceptionBasis = nil
            exceptionAdmitted = []
        }
    }

    /// The regimes the record's and the subject's tags add, in sorted tag order, each once.
    static func tagRegimes(_ recordTags: Set<String>, _ subjectTags: Set<String>, _ compiled: CompiledBundle) -> [Int] {
        if recordTags.isEmpty && subjectTags.isEmpty { return [] }
        // Most requests carry one tag or none: no union to build.
        let tags: [String] =
            recordTags.isEmpty
            ? (subjectTags.count == 1 ? [subjectTags.first!] : subjectTags.sorted())
            : (subjectTags.isEmpty && recordTags.count == 1 ? [recordTags.first!] : recordTags.union(subjectTags).sorted())
        var out: [Int] = []
        for tag in tags {
            for r in compiled.tagRegimes[tag] ?? [] where !out.contains(r) { out.append(r) }
        }
        return out
    }
}
