/// A validated policy bundle: every name it refers to exists. Build one with `BundleParser`.
public struct PolicyBundle: Sendable {
    /// The bundle's own version label (`version:`), recorded with every decision.
    public var version: String
    public var regimes: [String: Regime]
    public var exceptions: [String: ExceptionRule]
    /// Category to regime name.
    public var categories: [String: String]
    /// Subject or record tag to the regimes it adds.
    public var tags: [String: [String]]
    public var records: [String: RecordType]
    public var purposes: [String: Purpose]
    /// Names in a person's words, for the accounting; ids without a label show as they are.
    public var labels = Labels()
    /// The gateway's routes by id (DESIGN §9); empty when the bundle has no `gateway` section.
    public var gateway: [String: GatewayRoute] = [:]
    public var fixtures: BundleFixtures
    public var tests: [BundleTestCase]

    /// The citation of each basis a decision can name that has one (`exception:serious-threat` →
    /// `45 CFR 164.512(j)`), for people reading the accounting.
    public var basisCitations: [String: String] {
        var out: [String: String] = [:]
        for (name, rule) in exceptions { if let c = rule.citation { out["exception:" + name] = c } }
        return out
    }

    public init(
        version: String, regimes: [String: Regime], exceptions: [String: ExceptionRule], categories: [String: String],
        tags: [String: [String]] = [:], records: [String: RecordType], purposes: [String: Purpose],
        fixtures: BundleFixtures = BundleFixtures(), tests: [BundleTestCase] = []
    ) {
        self.version = version
        self.regimes = regimes
        self.exceptions = exceptions
        self.categories = categories
        self.tags = tags
        self.records = records
        self.purposes = purposes
        self.fixtures = fixtures
        self.tests = tests
    }
}

/// Providers, subjects and consents a bundle's own tests run against.
public struct BundleFixtures: Sendable {
    public var providers: [String: Provider]
    public var subjects: [String: Subject]
    public var consents: [Consent]

    public init(providers: [String: Provider] = [:], subjects: [String: Subject] = [:], consents: [Consent] = []) {
        self.providers = providers
        self.subjects = subjects
        self.consents = consents
    }
}
