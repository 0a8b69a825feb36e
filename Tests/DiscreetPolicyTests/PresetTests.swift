import DiscreetPolicy
import Foundation
import Testing

/// The presets: each a bundle written from the law, whose own tests show every rule it cites
/// decide the way the text says, once triggering it and once just missing it.
@Suite struct PresetTests {
    /// Every preset's tests fix their own instant; this one is for any that would not.
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func bundle(_ preset: Preset) throws -> PolicyBundle { try BundleParser.parse(preset.source) }

    @Test(arguments: Preset.all.map(\.name))
    func thePresetValidatesAndItsTestsPass(_ name: String) throws {
        let preset = try #require(Preset.named(name))
        let bundle = try Self.bundle(preset)
        let results = BundleTestRunner.run(bundle, now: Self.now)
        #expect(results.count >= 2 * preset.rules.count)
        for r in results where !r.passed { Issue.record("\(name): \(r.name): \(r.failures)") }
        #expect(bundle.version.hasPrefix(name + "-"))
    }

    @Test(arguments: Preset.all.map(\.name))
    func everyCitedRuleHasATestThatTriggersItAndOneThatJustMissesIt(_ name: String) throws {
        let preset = try #require(Preset.named(name))
        let bundle = try Self.bundle(preset)
        let names = bundle.tests.map(\.name)
        let cited =
            bundle.regimes.values.flatMap { [$0.citation, $0.noticeCitation] }.compactMap { $0 }
            + bundle.exceptions.values.compactMap(\.citation)
        for rule in preset.rules {
            #expect(cited.contains { $0.contains(rule) }, "\(name): no regime, notice or exception cites \(rule)")
            #expect(names.contains { $0.hasPrefix(rule + " (triggers): ") }, "\(name): nothing triggers \(rule)")
            #expect(names.contains { $0.hasPrefix(rule + " (just misses): ") }, "\(name): nothing just misses \(rule)")
        }
        // And no test stands for a rule the preset does not list.
        for test in names {
            #expect(preset.rules.contains { test.hasPrefix($0 + " (") }, "\(name): '\(test)' names no rule of the preset")
        }
    }

    @Test(arguments: Preset.all.map(\.name))
    func everyRegimeExceptionAndNoticeCarriesItsCitation(_ name: String) throws {
        let bundle = try Self.bundle(try #require(Preset.named(name)))
        for (regime, r) in bundle.regimes {
            #expect(r.citation != nil, "\(name): regime \(regime) has no citation")
            if r.notice != nil { #expect(r.noticeCitation != nil, "\(name): the notice of \(regime) has no citation") }
        }
        for (exception, e) in bundle.exceptions { #expect(e.citation != nil, "\(name): exception \(exception)") }
        // The accounting names each exception basis with its citation.
        #expect(bundle.basisCitations.count == bundle.exceptions.count)
    }

    @Test func presetNamesAreUniqueAndFound() {
        let names = Preset.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names == ["hipaa", "part2", "gdpr-art9", "fr-secret-pro", "aba-1.6", "trade-secret"])
        #expect(Preset.named("hipaa")?.name == "hipaa")
        #expect(Preset.named("HIPAA") == nil)
    }

    /// A rule broken on purpose fails the preset's own test for it: the tests decide, they do not
    /// merely run. Here HIPAA's payment exemption is removed.
    @Test func aPresetTestFailsWhenItsRuleIsTakenAway() throws {
        let broken = Preset.hipaa.source.replacingOccurrences(
            of: "consent-exempt-purposes: [treatment, payment, operations]", with: "consent-exempt-purposes: [treatment]")
        #expect(broken != Preset.hipaa.source)
        let failed = BundleTestRunner.run(try BundleParser.parse(broken), now: Self.now).filter { !$0.passed }.map(\.name)
        #expect(failed.contains("45 CFR 164.506 (triggers): a diagnosis goes for payment without an authorization"))
    }
}
