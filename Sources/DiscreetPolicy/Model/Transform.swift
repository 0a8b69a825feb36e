/// What happens to a permitted field on its way out (DESIGN §3, step 7).
public enum Transform: Sendable, Equatable {
    /// As is.
    case release
    /// Keep the last `keep` characters, replace the others with `*`.
    case mask(keep: Int)
    /// A date to its year.
    case generalizeYear
    /// A date to its year and month.
    case generalizeMonth
    /// A number to the band of width `width` that holds it (`37` with 10 gives `30-39`).
    case generalizeBand(width: Int)
    /// A code (a postal code) to its first `keep` characters.
    case generalizePrefix(keep: Int)
    /// HMAC-SHA-256 under a key per provider: stable for one provider, unlinkable across providers.
    case pseudonymize
    /// A random token per provider, subject and field path (`Token`), issued by the store and given
    /// to the engine as an input (`DecisionInput.tokens`): never derived from the value, so HIPAA
    /// 164.514(c) allows it even under Safe Harbor, and stable while the value changes.
    case tokenize
    /// Free text with the identifiers of these kinds replaced by placeholders, and the record's
    /// own withheld or transformed values by their category (`Scrubber`).
    case scrub(ScrubKinds)
    /// HIPAA Safe Harbor (`SafeHarbor`): a ZIP code to its first three digits or `000`.
    case safeHarborZIP
    /// A date to its year, or "90 or older" when the year shows an age over 89.
    case safeHarborDate
    /// An age as it is up to 89, "90 or older" above.
    case safeHarborAge

    /// Whether this is `scrub`, whose result depends on the rest of the record.
    public var isScrub: Bool {
        if case .scrub = self { return true }
        return false
    }

    /// The name that decisions report, or nil for `release`.
    public var name: String? {
        switch self {
        case .release: nil
        case .mask(let n): "mask:\(n)"
        case .generalizeYear: "generalize:year"
        case .generalizeMonth: "generalize:month"
        case .generalizeBand(let w): "generalize:band:\(w)"
        case .generalizePrefix(let n): "generalize:prefix:\(n)"
        case .pseudonymize: "pseudonymize"
        case .tokenize: "tokenize"
        case .scrub: "scrub"
        case .safeHarborZIP: "safe-harbor:zip"
        case .safeHarborDate: "safe-harbor:date"
        case .safeHarborAge: "safe-harbor:age"
        }
    }
}
