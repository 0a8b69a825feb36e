import DiscreetPolicy
import Testing

/// Scalars are read by their type: a quoted `"true"` is no boolean, `null` no name, and the JSON
/// form (`PUT /v1/policy` as `application/json`, a `.json` file) holds to JSON's types exactly, as
/// openapi.yaml's PolicyBundle describes it.
@Suite struct BundleScalarTypeTests {
    static let yaml = """
        version: 1
        regimes:
          personal: { consent: not-required, guards-competitors: false }
        categories:
          identity.name: personal
        records:
          patient:
            name: identity.name
        purposes:
          billing:
            identity.name: { mask: 2 }
        fixtures:
          providers:
            facturo: { kind: service-provider, suspended: false }
        """

    static let json = """
        {"version": "1",
         "regimes": {"personal": {"consent": "not-required", "guards-competitors": false}},
         "categories": {"identity.name": "personal"},
         "records": {"patient": {"name": "identity.name"}},
         "purposes": {"billing": {"identity.name": {"mask": 2}}},
         "fixtures": {"providers": {"facturo": {"kind": "service-provider", "suspended": false}}}}
        """

    func issues(_ text: String, _ format: BundleFormat) -> [BundleIssue] {
        do {
            _ = try BundleParser.parse(text, format: format)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func bothFormsAreRead() throws {
        #expect(try BundleParser.parse(Self.yaml).version == "1")
        #expect(try BundleParser.parse(Self.json, format: .json).version == "1")
    }

    @Test func yamlLetsANumberStandForTextAndJSONDoesNot() {
        #expect(issues(Self.yaml, .yaml).isEmpty)
        let json = Self.json.replacingOccurrences(of: #""version": "1""#, with: #""version": 1"#)
        #expect(issues(json, .yaml).isEmpty)
        let found = issues(json, .json)
        #expect(found.map(\.path) == ["/version"])
        #expect(found.first?.message == "expected a version label as text, not a number")
    }

    @Test(arguments: [
        ("suspended: false", #"suspended: "false""#, "/fixtures/providers/facturo/suspended"),
        ("guards-competitors: false", "guards-competitors: 'false'", "/regimes/personal/guards-competitors"),
    ])
    func aQuotedBooleanIsText(_ from: String, _ to: String, _ path: String) {
        let found = issues(Self.yaml.replacingOccurrences(of: from, with: to), .yaml)
        #expect(found.map(\.path) == [path])
        #expect(found.first?.message == "expected true or false (unquoted)")
    }

    @Test func aQuotedBooleanIsTextInJSON() {
        let found = issues(Self.json.replacingOccurrences(of: #""suspended": false"#, with: #""suspended": "false""#), .json)
        #expect(found.map(\.path) == ["/fixtures/providers/facturo/suspended"])
    }

    @Test func aQuotedWidthIsText() {
        let found = issues(Self.yaml.replacingOccurrences(of: "{ mask: 2 }", with: #"{ mask: "2" }"#), .yaml)
        #expect(found.map(\.path) == ["/purposes/billing/identity.name/mask"])
        let json = issues(Self.json.replacingOccurrences(of: #"{"mask": 2}"#, with: #"{"mask": "2"}"#), .json)
        #expect(json.map(\.path) == ["/purposes/billing/identity.name/mask"])
    }

    @Test(arguments: ["~", "null", "Null"])
    func aNullIsNoName(_ null: String) {
        let found = issues(Self.yaml.replacingOccurrences(of: "kind: service-provider", with: "kind: \(null)"), .yaml)
        #expect(found.map(\.path) == ["/fixtures/providers/facturo/kind"])
        #expect(found.first?.message.hasSuffix("found nothing (null)") == true)
    }

    /// YAML 1.1 reads `no`, `on` and `off` as booleans: never silently as a name.
    @Test(arguments: ["no", "on", "true"])
    func aBooleanIsNoName(_ word: String) {
        let found = issues(Self.yaml.replacingOccurrences(of: "kind: service-provider", with: "kind: \(word)"), .yaml)
        #expect(found.map(\.path) == ["/fixtures/providers/facturo/kind"])
        #expect(found.first?.message.hasSuffix("as text; quote it") == true)
        let quoted = Self.yaml.replacingOccurrences(of: "kind: service-provider", with: "kind: '\(word)'")
        #expect(issues(quoted, .yaml).isEmpty)
    }

    @Test func aNumberIsNoBoolean() {
        let found = issues(Self.json.replacingOccurrences(of: #""suspended": false"#, with: #""suspended": 0"#), .json)
        #expect(found.map(\.path) == ["/fixtures/providers/facturo/suspended"])
    }
}
