import DiscreetPolicy
import Testing

/// Whole-bundle validation: each kind of error, reported with its path and its line.
@Suite struct BundleValidationTests {
    static let base = """
        version: 1
        regimes:
          personal: { consent: not-required }
        categories:
          identity.name: personal
        records:
          patient:
            name: identity.name
        purposes:
          billing:
            identity.name: release
        """

    func issues(_ text: String) -> [BundleIssue] {
        do {
            _ = try BundleParser.parse(text)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func theBaseIsValid() throws {
        let b = try BundleParser.parse(Self.base)
        #expect(b.version == "1")
        #expect(b.records["patient"]?.fields == ["name": "identity.name"])
    }

    @Test func unknownRegime() {
        let i = issues(Self.base.replacingOccurrences(of: "identity.name: personal", with: "identity.name: secret"))
        #expect(i == [BundleIssue(path: "/categories/identity.name", line: 5, message: "unknown regime 'secret'")])
    }

    @Test func categoryWithoutRegime() {
        let i = issues(Self.base.replacingOccurrences(of: "identity.name: personal", with: "identity.name:"))
        #expect(i.count == 1)
        #expect(i.first?.path == "/categories/identity.name")
        #expect(i.first?.message.hasPrefix("the category has no regime") == true)
    }

    @Test func purposeNamingUnknownCategory() {
        let i = issues(Self.base + "\n    health.diagnosis: release\n")
        #expect(
            i == [
                BundleIssue(
                    path: "/purposes/billing/health.diagnosis", line: 12,
                    message: "unknown category 'health.diagnosis'; declare it under /categories")
            ])
    }

    @Test func recordNamingUnknownCategory() {
        let i = issues(Self.base.replacingOccurrences(of: "name: identity.name", with: "name: identity.nom"))
        #expect(i.first?.path == "/records/patient/name")
        #expect(i.first?.line == 8)
    }

    @Test(arguments: [
        "{ mask: -1 }", "{ mask: x }", "{ generalize: decade }", "{ generalize: { band: 0 } }", "shred",
        "{ mask: 1, generalize: year }", "[release]",
    ])
    func badTransform(_ transform: String) {
        let i = issues(Self.base.replacingOccurrences(of: "identity.name: release", with: "identity.name: \(transform)"))
        #expect(i.count == 1)
        #expect(i.first?.path.hasPrefix("/purposes/billing/identity.name") == true)
        #expect(i.first?.line == 11)
    }

    @Test func duplicateKey() {
        let i = issues(
            Self.base.replacingOccurrences(
                of: "    name: identity.name", with: "    name: identity.name\n    name: identity.name"))
        #expect(i.count == 1)
        #expect(i.first?.message.contains("duplicate key 'name'") == true)
        #expect(i.first?.line != nil)
    }

    @Test func unknownKeysAndMissingSections() {
        let i = issues("version: 1\nregimes: {}\ncategories: {}\nrecords: {}\npurposes: {}\npolicies: {}\n")
        #expect(i.map(\.path) == ["/policies"])
        let missing = issues("version: 1\n")
        #expect(missing.map(\.message).contains("missing required key 'purposes'"))
        let regimeKey = issues(
            Self.base.replacingOccurrences(of: "{ consent: not-required }", with: "{ consent: not-required, concent: required }"))
        #expect(regimeKey.first?.path == "/regimes/personal/concent")
    }

    @Test func everyIssueIsReportedNotOnlyTheFirst() {
        let text = Self.base
            .replacingOccurrences(of: "identity.name: personal", with: "identity.name: secret")
            .replacingOccurrences(of: "identity.name: release", with: "identity.name: shred")
        #expect(issues(text).count >= 2)
    }

    @Test func regimeReferences() {
        let i = issues(
            Self.base.replacingOccurrences(
                of: "{ consent: not-required }", with: "{ consent: maybe, exceptions: [magic], consent-exempt-purposes: [golf] }")
        )
        #expect(
            Set(i.map(\.path)) == [
                "/regimes/personal/consent", "/regimes/personal/exceptions/0", "/regimes/personal/consent-exempt-purposes/0",
            ])
    }

    @Test func pathsMappedWholeAndInside() {
        let i = issues(
            Self.base.replacingOccurrences(
                of: "    name: identity.name", with: "    address: identity.name\n    address.city: identity.name"))
        #expect(i.map(\.path) == ["/records/patient/address"])
    }

    @Test func malformedFieldPath() {
        let i = issues(Self.base.replacingOccurrences(of: "    name: identity.name", with: "    \"a..b\": identity.name"))
        #expect(i.map(\.path) == ["/records/patient/a..b"])
    }

    /// Labels name things in a person's words; a label for a category or purpose the bundle does
    /// not declare is an issue, a provider's id may be any.
    @Test func labelsAreReadAndCheckedAgainstDeclaredNames() throws {
        let good = try BundleParser.parse(
            Self.base + """

                labels:
                  categories: { identity.name: your name }
                  purposes: { billing: billing your care }
                  providers: { facturo: Facturo }
                """)
        #expect(good.labels.category("identity.name") == "your name")
        #expect(good.labels.purpose("billing") == "billing your care")
        #expect(good.labels.provider("facturo") == "Facturo")
        #expect(good.labels.provider("other") == "other")
        let bad = issues(
            Self.base + """

                labels:
                  categories: { identity.nmae: your name }
                  purposes: { golf: golf }
                  colours: {}
                """)
        #expect(
            Set(bad.map(\.path)) == ["/labels/categories/identity.nmae", "/labels/purposes/golf", "/labels/colours"],
            "\(bad)")
    }

    @Test func syntaxErrorHasALine() {
        let i = issues("version: 1\nregimes: [\n")
        #expect(i.count == 1)
        #expect(i.first?.message.hasPrefix("syntax error") == true)
        #expect(i.first?.line != nil)
    }

    /// The base bundle with one test whose record is `record` (YAML lines indented ten spaces): a
    /// test's record is where the reader walks every node.
    static func withATestRecord(_ record: String) -> String {
        base + """

            tests:
              - name: a record
                request:
                  provider: x
                  purpose: billing
                  subject: s
                  record_type: patient
                  record:
            """ + "\n" + record + """
                    expect: { name: released }
                """
    }

    /// Ten levels of aliases, each repeating the one before ten times (10^10 nodes once expanded),
    /// placed where the reader walks every node (a test's record): the node budget refuses it,
    /// with its own message, before anything is expanded.
    @Test func billionLaughsIsRefusedByTheNodeBudget() {
        var record = "          a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for n in 1...9 {
            record += "          a\(n): &a\(n) [" + Array(repeating: "*a\(n - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let text = Self.withATestRecord(record)
        let i = issues(text)
        #expect(
            i.first?.message
                == "the document expands to more than \(200_000) nodes (too large, or aliases that repeat too much)")
    }

    /// The same document with two levels fits the budget and is read (so the test above is
    /// refused for its size, not its shape).
    @Test func aFewAliasesFitTheBudget() throws {
        let text = Self.withATestRecord("          a0: &a0 [x, x]\n          a1: [*a0, *a0]\n          name: Ana\n")
        #expect(issues(text).isEmpty, "\(issues(text))")
    }

    @Test func jsonBundlesAreReadToo() throws {
        let json =
            #"{"version":"2","regimes":{"p":{"consent":"not-required"}},"categories":{"a.b":"p"},"records":{"r":{"f":"a.b"}},"purposes":{"u":{"a.b":"release"}}}"#
        #expect(try BundleParser.parse(json).version == "2")
    }

    @Test func testsReferringToUnknownNames() {
        let text =
            Self.base + """

                tests:
                  - name: t
                    request: { provider: x, purpose: golf, subject: s, record_type: invoice, record: {} }
                    expect: { name: sparkling }
                """
        #expect(
            Set(issues(text).map(\.path)) == ["/tests/0/request/purpose", "/tests/0/request/record_type", "/tests/0/expect/name"])
    }

    @Test func failingBundleTestsNameFieldOutcomeAndReason() throws {
        let text =
            Self.base + """

                tests:
                  - name: names are withheld
                    at: 2026-01-01
                    request: { provider: nobody, purpose: billing, subject: s, record_type: patient, record: { name: "Ana" } }
                    expect: { name: released }
                """
        let results = BundleTestRunner.run(try BundleParser.parse(text), now: Fixtures.now)
        #expect(results.count == 1)
        #expect(results[0].failures == ["name: expected released, got withheld (no-agreement)"])
    }
}
