import Foundation

/// What makes a consent valid before it is recorded, against the bundle (42 CFR 2.31, GDPR art. 7,
/// HIPAA 164.508): known purposes and categories, a future expiry, "any contracted provider" only
/// where every regime of its categories allows it, and no wildcard over a category whose regime
/// wants a named recipient and so a specific scope (substance use, psychotherapy notes).
///
/// Pure: every problem is returned, each with the member it concerns, so that one answer names
/// everything to fix.
public enum ConsentRules {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String { "\(field): \(message)" }
    }

    public static func check(_ consent: Consent, bundle: PolicyBundle, now: Date) -> [Issue] {
        var issues: [Issue] = []
        for p in consent.purposes.sorted() where bundle.purposes[p] == nil {
            issues.append(Issue(field: "/purposes", message: "unknown purpose '\(p)'"))
        }
        var covered: [String] = []
        for (i, pattern) in consent.categories.enumerated() {
            let matched = bundle.categories.keys.filter(pattern.matches).sorted()
            if matched.isEmpty {
                issues.append(Issue(field: "/categories/\(i)", message: "'\(pattern.text)' names no category of the policy"))
                continue
            }
            covered += matched
            if pattern.isWildcard {
                for c in matched {
                    guard let regime = bundle.categories[c].flatMap({ bundle.regimes[$0] }), regime.recipient == .named,
                        regime.consent == .required
                    else { continue }
                    issues.append(
                        Issue(
                            field: "/categories/\(i)",
                            message:
                                "'\(pattern.text)' covers \(c), whose regime '\(regime.name)' needs its categories named one by one"
                        ))
                }
            }
        }
        if consent.provider == Consent.anyProvider {
            for c in Set(covered).sorted() {
                let regime = bundle.effectiveRegime(category: c, tags: [])
                for purpose in consent.purposes.sorted() where bundle.purposes[purpose] != nil {
                    if !regime.acceptsAnyContractedProvider(for: purpose) {
                        issues.append(
                            Issue(
                                field: "/provider",
                                message: "'*' (any contracted provider) is not allowed for \(c) for \(purpose): name the provider"
                            ))
                    }
                }
            }
        }
        if consent.expiresAt <= now {
            issues.append(
                Issue(field: "/expires_at", message: "must be in the future: a consent that has already expired grants nothing"))
        }
        return issues
    }
}
