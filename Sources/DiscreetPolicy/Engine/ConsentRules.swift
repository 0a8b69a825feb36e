import DiscreetJSON
import Foundation

/// What makes a consent valid before it is recorded, against the bundle (42 CFR 2.31, GDPR art. 7,
/// HIPAA 164.508): a registered provider, known purposes and categories, a future expiry, "any contracted provider" only
/// where every regime of its categories allows it, and no wildcard over a category whose regime
/// wants a named recipient and so a specific scope (substance use, psychotherapy notes).
///
/// Pure: every problem is returned, each with the member of the grant it concerns, so that one
/// answer names everything to fix. Whether the provider is registered is the caller's to find out
/// (it is in the store); ignored for `*`.
public enum ConsentRules {
    /// These rules in the form a grant's reader takes them (`Consent.grant(…, rules:)`), for the
    /// grant route and each import line alike.
    public static func forGrant(bundle: PolicyBundle, now: Date, isRegistered: @escaping (String) -> Bool) -> (
        String?, Set<String>?, [CategoryPattern]?, Date?
    ) -> [JSONFieldError] {
        { provider, purposes, categories, expires in
            check(
                provider: provider, purposes: purposes, categories: categories, expiresAt: expires, bundle: bundle, now: now,
                providerRegistered: provider.map(isRegistered) ?? false)
        }
    }

    /// The same rules over the parts of a grant that could be read: a part that is missing (nil)
    /// is not checked here, for its reader already named it. So a grant's problems of form and of
    /// policy come in one answer, not in rounds.
    public static func check(
        provider: String?, purposes: Set<String>?, categories: [CategoryPattern]?, expiresAt: Date?, bundle: PolicyBundle,
        now: Date, providerRegistered: Bool
    ) -> [JSONFieldError] {
        var issues: [JSONFieldError] = []
        // Names the caller sent are never quoted back (UnknownName): only their member and what is known.
        if let provider, provider != Consent.anyProvider, !providerRegistered {
            issues.append(
                JSONFieldError(
                    path: "/provider", message: "not a provider registered here (GET /v1/providers lists them), nor '*'"))
        }
        if (purposes ?? []).contains(where: { bundle.purposes[$0] == nil }) {
            issues.append(UnknownName.error("purpose", at: "/purposes", known: bundle.purposes.keys))
        }
        var covered: [String] = []
        for (i, pattern) in (categories ?? []).enumerated() {
            let matched = bundle.categories.keys.filter(pattern.matches).sorted()
            if matched.isEmpty {
                issues.append(
                    UnknownName.error(
                        "category, nor a pattern of categories,", at: "/categories/\(i)", known: bundle.categories.keys))
                continue
            }
            covered += matched
            if pattern.isWildcard {
                for c in matched {
                    guard let regime = bundle.categories[c].flatMap({ bundle.regimes[$0] }), regime.recipient == .named,
                        regime.consent == .required
                    else { continue }
                    issues.append(
                        JSONFieldError(
                            path: "/categories/\(i)",
                            message:
                                "this pattern covers \(c), whose regime '\(regime.name)' needs its categories named one by one"
                        ))
                }
            }
        }
        if provider == Consent.anyProvider, let purposes {
            for c in Set(covered).sorted() {
                let regime = bundle.effectiveRegime(category: c, tags: [])
                for purpose in purposes.sorted() where bundle.purposes[purpose] != nil {
                    if !regime.acceptsAnyContractedProvider(for: purpose) {
                        issues.append(
                            JSONFieldError(
                                path: "/provider",
                                message: "'*' (any contracted provider) is not allowed for \(c) for \(purpose): name the provider"
                            ))
                    }
                }
            }
        }
        if let expiresAt, expiresAt <= now {
            issues.append(
                JSONFieldError(
                    path: "/expires_at", message: "must be in the future: a consent that has already expired grants nothing"))
        }
        return issues
    }
}
