import DiscreetPolicy
import Testing

/// Citations: the text of law a regime, its notice or an exception is written from, kept by the
/// validator for people to read, one line each, and never a reason for a decision to change.
@Suite struct CitationTests {
    static let base = """
        version: 1
        regimes:
          substance-use:
            consent: required
            exceptions: [medical-emergency]
            notice: "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
            citation: "42 CFR 2.31"
            notice-citation: "42 CFR 2.32"
        exceptions:
          medical-emergency: { recipient-kinds: [medical-personnel], citation: "42 CFR 2.51" }
          legal-obligation: { recipient-kinds: [court] }
        categories:
          health.substance_use: substance-use
        records:
          patient:
            program: health.substance_use
        purposes:
          billing:
            health.substance_use: release
        """

    /// Validation's issues, as the whole-bundle tests read them.
    func issues(_ text: String) -> [BundleIssue] { BundleValidationTests().issues(text) }

    @Test func citationsAreKept() throws {
        let b = try BundleParser.parse(Self.base)
        #expect(b.regimes["substance-use"]?.citation == "42 CFR 2.31")
        #expect(b.regimes["substance-use"]?.noticeCitation == "42 CFR 2.32")
        #expect(b.exceptions["medical-emergency"]?.citation == "42 CFR 2.51")
        #expect(b.exceptions["legal-obligation"]?.citation == nil)
        #expect(b.basisCitations == ["exception:medical-emergency": "42 CFR 2.51"])
    }

    @Test func aCitationIsOneLineOfText() {
        let cases: [(String, String, String)] = [
            (#"citation: "42 CFR 2.31""#, "citation: [42 CFR 2.31, 42 CFR 2.32]", "/regimes/substance-use/citation"),
            (
                #"notice-citation: "42 CFR 2.32""#, #"notice-citation: "42 CFR 2.32\n42 CFR 2.31""#,
                "/regimes/substance-use/notice-citation"
            ),
            (#"citation: "42 CFR 2.51""#, #"citation: "   ""#, "/exceptions/medical-emergency/citation"),
            (
                #"citation: "42 CFR 2.51""#, "citation: \"\(String(repeating: "x", count: 201))\"",
                "/exceptions/medical-emergency/citation"
            ),
        ]
        for (from, to, path) in cases {
            let found = issues(Self.base.replacingOccurrences(of: from, with: to))
            #expect(found.map(\.path) == [path], "\(to): \(found)")
        }
        // 200 characters, accents and symbols are a citation.
        let long = "Code pénal art. 226-13 §" + String(repeating: "x", count: 176)
        #expect(long.count == 200)
        #expect(issues(Self.base.replacingOccurrences(of: #"citation: "42 CFR 2.51""#, with: "citation: \"\(long)\"")) == [])
    }

    @Test func aCitationIsAllThatDiffers() throws {
        let cited = try BundleParser.parse(Self.base)
        var bare = Self.base
        for c in [#"citation: "42 CFR 2.31""#, #"notice-citation: "42 CFR 2.32""#] {
            bare = bare.replacingOccurrences(of: c, with: "")
        }
        bare = bare.replacingOccurrences(of: #", citation: "42 CFR 2.51""#, with: "")
        // The bundles differ in their citations alone.
        var uncited = try BundleParser.parse(bare)
        #expect(uncited.regimes != cited.regimes)
        uncited.regimes["substance-use"]?.citation = "42 CFR 2.31"
        uncited.regimes["substance-use"]?.noticeCitation = "42 CFR 2.32"
        uncited.exceptions["medical-emergency"]?.citation = "42 CFR 2.51"
        #expect(uncited.regimes == cited.regimes)
        #expect(uncited.exceptions == cited.exceptions)
        #expect(uncited.purposes == cited.purposes)
    }
}
