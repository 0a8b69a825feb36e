import DiscreetPolicy
import Foundation
import Testing

/// Presets combined: the strictest rule wins, what cannot be merged is refused naming both
/// presets, and no combination ever releases what one of its presets alone withholds.
@Suite struct PresetCombinationTests {
    static let now = PresetTests.now

    /// The field outcomes of each decision test of `preset`, decided in `bundle`.
    static func outcomes(of preset: Preset, in bundle: PolicyBundle) throws -> [String: [String: Outcome]] {
        let own = try BundleParser.parse(preset.source)
        let engine = DecisionEngine(bundle: bundle)
        var out: [String: [String: Outcome]] = [:]
        for t in own.tests where t.gateway == nil {
            let result = try BundleTestRunner.decide(t, bundle, engine, now: now)
            out[t.name] = Dictionary(result.decisions.map { ($0.field, $0.outcome) }, uniquingKeysWith: { a, _ in a })
        }
        return out
    }

    static func rank(_ o: Outcome) -> Int {
        switch o {
        case .withheld: 0
        case .transformed: 1
        case .released: 2
        }
    }

    static var pairs: [[String]] {
        let names = Preset.all.map(\.name)
        return names.flatMap { a in names.filter { $0 != a }.map { [a, $0] } } + [names]
    }

    @Test(arguments: pairs)
    func aCombinationNeverReleasesWhatAPresetAloneWithholds(_ names: [String]) throws {
        let presets = names.compactMap(Preset.named)
        let combined = try PresetCombination.combine(presets, now: Self.now)
        for r in BundleTestRunner.run(combined.bundle, now: Self.now) where !r.passed {
            Issue.record("\(names): kept test fails: \(r.name)")
        }
        for preset in presets {
            let alone = try Self.outcomes(of: preset, in: try BundleParser.parse(preset.source))
            let together = try Self.outcomes(of: preset, in: combined.bundle)
            for (test, fields) in alone {
                for (field, outcome) in fields {
                    let now = try #require(together[test]?[field])
                    #expect(
                        Self.rank(now) <= Self.rank(outcome),
                        "\(names): \(test): \(field) was \(outcome) under \(preset.name) alone, \(now) combined")
                }
            }
        }
        // Each test either stays or is reported as left out, never lost.
        let total = try presets.map { try BundleParser.parse($0.source).tests.count }.reduce(0, +)
        #expect(combined.bundle.tests.count + combined.leftOut.count == total)
    }

    @Test func hipaaAndPart2CombineKeepingEveryTest() throws {
        let combined = try PresetCombination.combine([.hipaa, .part2], now: Self.now)
        #expect(combined.leftOut.isEmpty)
        #expect(combined.bundle.tests.count == 21)
        // A program patient's name is under HIPAA's regime and, through the tag, Part 2's.
        #expect(combined.bundle.categories["identity.name"] == "phi+patient-record")
        #expect(combined.bundle.tags["part2-program"] == ["substance-use"])
        let merged = try #require(combined.bundle.regimes["phi+patient-record"])
        #expect(merged.consent == .required)
        #expect(merged.consentExemptPurposes == ["treatment", "payment", "operations"])
        #expect(merged.agreementTypes == ["BAA", "treatment"])
        #expect(merged.citation == "45 CFR 164.506; 45 CFR 164.502(e); 45 CFR 164.502(b); 45 CFR 164.528; 42 CFR 2.12(a)")
        #expect(combined.source.hasPrefix("# discreet policy init: presets hipaa, part2, combined"))
        // The merged text is what validates: parsed again, it is the same bundle.
        #expect(try BundleParser.parse(combined.source).tests.count == 21)
    }

    @Test func aSinglePresetIsItsOwnTextWithItsComments() throws {
        let one = try PresetCombination.combine([.part2], now: Self.now)
        #expect(one.source == Preset.part2.source)
        #expect(one.leftOut.isEmpty)
    }

    @Test func aTestAnotherPresetDecidesMoreStrictlyIsLeftOutAndNamed() throws {
        let combined = try PresetCombination.combine([.hipaa, .gdprArt9], now: Self.now)
        // HIPAA lets a diagnosis go for payment under a BAA; the GDPR's special category wants an
        // agreement that is a DPA as well, and explicit consent.
        let left = try #require(combined.leftOut.first { $0.test.hasPrefix("45 CFR 164.506 (triggers)") })
        #expect(left.preset == "hipaa")
        #expect(
            left.failures == ["diagnosis: expected released/on agreement:claims-baa, got withheld (no-agreement) on no basis"])
        #expect(combined.source.contains("#   hipaa: 45 CFR 164.506 (triggers)"))
        #expect(!combined.bundle.tests.contains { $0.name == left.test })
        #expect(combined.bundle.regimes["phi+special-category"]?.agreementTypes == ["BAA+DPA", "treatment+DPA"])
    }

    // MARK: the merge's rules, on small bundles

    static func preset(_ name: String, regime: String, purpose: String = "billing: { health.x: release }", extra: String = "")
        -> Preset
    {
        Preset(
            name: name, summary: "", rules: [],
            source: """
                version: \(name)-1
                regimes:
                  r:
                \(regime.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                exceptions:
                  threat: { recipient-kinds: [authority, court], citation: "T1" }
                  emergency: { recipient-kinds: [medical-personnel] }
                categories:
                  health.x: r
                records:
                  patient: { x: health.x }
                purposes:
                  \(purpose)
                  research: { health.x: release }
                \(extra)
                """)
    }

    @Test func sameNamedRegimesMergeStrictestWins() throws {
        let a = Self.preset(
            "a",
            regime: """
                consent: required
                recipient: any-contracted
                consent-exempt-purposes: [billing, research]
                exceptions: [threat, emergency]
                agreement-types: [BAA, DPA]
                notice: "Notice A."
                citation: "A 1"
                """)
        let b = Self.preset(
            "b",
            regime: """
                consent: required
                recipient: named
                consent-exempt-purposes: [billing]
                exceptions: [threat]
                agreement-types: [DPA, NDA]
                guards-competitors: true
                notice: "Notice B."
                citation: "B 2"
                """)
        let r = try #require(try PresetCombination.combine([a, b], now: Self.now).bundle.regimes["r"])
        #expect(r.consent == .required)
        #expect(r.recipient == .named)
        #expect(r.consentExemptPurposes == ["billing"])
        #expect(r.exceptions == ["threat"])
        #expect(r.agreementTypes == ["DPA"])
        #expect(r.guardsCompetitors)
        #expect(r.notice == "Notice A. Notice B.")
        #expect(r.citation == "A 1; B 2")
    }

    @Test func aRegimeThatNeedsNoConsentAsksNothingOfExemptionsOrExceptions() throws {
        let a = Self.preset("a", regime: "consent: not-required\nexceptions: [emergency]")
        let b = Self.preset("b", regime: "consent: required\nconsent-exempt-purposes: [billing]\nexceptions: [threat]")
        let r = try #require(try PresetCombination.combine([a, b], now: Self.now).bundle.regimes["r"])
        #expect(r.consent == .required)
        #expect(r.consentExemptPurposes == ["billing"])
        #expect(r.exceptions == ["threat"])
        let both = Self.preset("c", regime: "consent: not-required\nexceptions: [threat]")
        let n = try #require(try PresetCombination.combine([a, both], now: Self.now).bundle.regimes["r"])
        #expect(n.consent == .notRequired)
        #expect(n.exceptions == ["emergency", "threat"])
    }

    @Test func exceptionsOfOneNameKeepTheRecipientsBothAdmit() throws {
        let a = Self.preset("a", regime: "consent: required")
        let b = Self.preset("b", regime: "consent: required")
        var bSource = b.source.replacingOccurrences(
            of: "threat: { recipient-kinds: [authority, court], citation: \"T1\" }",
            with: "threat: { recipient-kinds: [court, threatened-person], citation: \"T2\" }")
        let combined = try PresetCombination.combine(
            [a, Preset(name: "b", summary: "", rules: [], source: bSource)], now: Self.now)
        #expect(combined.bundle.exceptions["threat"]?.recipientKinds == ["court"])
        #expect(combined.bundle.exceptions["threat"]?.citation == "T1; T2")
        bSource = b.source.replacingOccurrences(of: "[authority, court], citation", with: "[threatened-person], citation")
        #expect(throws: PresetCombination.Conflict.self) {
            try PresetCombination.combine([a, Preset(name: "b", summary: "", rules: [], source: bSource)], now: Self.now)
        }
    }

    @Test func aTransformWinsOverReleaseAndTwoTransformsAreAConflictNamingBoth() throws {
        let a = Self.preset("a", regime: "consent: not-required")
        let masked = Self.preset("b", regime: "consent: not-required", purpose: "billing: { health.x: { mask: 2 } }")
        let combined = try PresetCombination.combine([a, masked], now: Self.now)
        #expect(combined.bundle.purposes["billing"]?.transforms["health.x"] == .mask(keep: 2))
        let other = Self.preset("c", regime: "consent: not-required", purpose: "billing: { health.x: tokenize }")
        do {
            _ = try PresetCombination.combine([masked, other], now: Self.now)
            Issue.record("two transforms for one category were merged")
        } catch let c as PresetCombination.Conflict {
            #expect(
                c.description
                    == "purpose 'billing', category 'health.x': presets 'b' and 'c' transform it differently; keep one preset's transform"
            )
        }
    }

    @Test func purposesJoinAndStayAccountableWhenEitherIs() throws {
        let a = Self.preset(
            "a", regime: "consent: not-required", purpose: "billing: { accountable: false, categories: { health.x: release } }")
        let b = Self.preset("b", regime: "consent: not-required", purpose: "billing: { health.x: release }")
        #expect(try PresetCombination.combine([a, b], now: Self.now).bundle.purposes["billing"]?.accountable == true)
        let c = Self.preset(
            "c", regime: "consent: not-required", purpose: "billing: { accountable: false, categories: { health.x: release } }")
        #expect(try PresetCombination.combine([a, c], now: Self.now).bundle.purposes["billing"]?.accountable == false)
    }

    @Test func aRecordFieldUnderTwoCategoriesIsAConflict() throws {
        let a = Self.preset("a", regime: "consent: not-required")
        let b = Preset(
            name: "b", summary: "", rules: [],
            source: a.source.replacingOccurrences(of: "health.x", with: "health.y").replacingOccurrences(of: "a-1", with: "b-1"))
        do {
            _ = try PresetCombination.combine([a, b], now: Self.now)
            Issue.record("a field under two categories was merged")
        } catch let c as PresetCombination.Conflict {
            #expect(
                c.description.hasPrefix("record 'patient', field 'x': preset 'a' maps it to 'health.x', preset 'b' to 'health.y'")
            )
        }
    }

    @Test func fixturesOfOneIDMustAgree() throws {
        let fixture = "fixtures:\n  providers:\n    acme: { kind: service-provider }"
        let a = Self.preset("a", regime: "consent: not-required", extra: fixture)
        let same = Self.preset("b", regime: "consent: not-required", extra: fixture)
        #expect(
            try PresetCombination.combine([a, same], now: Self.now).bundle.fixtures.providers["acme"]?.kind == "service-provider")
        let other = Self.preset(
            "c", regime: "consent: not-required", extra: "fixtures:\n  providers:\n    acme: { kind: authority }")
        #expect(throws: PresetCombination.Conflict(description: "fixture provider 'acme' differs between presets 'a' and 'c'")) {
            try PresetCombination.combine([a, other], now: Self.now)
        }
    }

    @Test func noPresetOrOneNamedTwiceIsRefused() {
        #expect(throws: PresetCombination.Conflict(description: "name at least one preset")) {
            try PresetCombination.combine([], now: Self.now)
        }
        #expect(throws: PresetCombination.Conflict(description: "preset 'hipaa' is named twice")) {
            try PresetCombination.combine([.hipaa, .part2, .hipaa], now: Self.now)
        }
    }
}
