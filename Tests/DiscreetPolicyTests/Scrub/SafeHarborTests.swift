import DiscreetJSON
import Foundation
import Testing

@testable import DiscreetPolicy

/// HIPAA Safe Harbor (45 CFR 164.514(b)(2)): each rule on values, the free-text ages, and what the
/// validator refuses under `deidentify: safe-harbor`. examples/safe-harbor.yaml holds a bundle test
/// per rule through the engine (CLITests runs it).
@Suite struct SafeHarborTests {
    @Test(arguments: [
        ("62704", "627"), ("62704-1234", "627"), (" 75011 ", "750"), ("03601", "000"), ("05901", "000"), ("89301", "000"),
        ("82301", "000"), ("10201", "000"),
    ])
    func zipKeepsThreeDigitsOrZeroes(_ zip: String, _ expected: String) {
        #expect(SafeHarbor.zip(zip) == expected)
    }

    @Test func everyAreaOfTheHHSListBecomesZeroes() {
        #expect(RestrictedZIP3.codes.count == 17)
        for code in RestrictedZIP3.codes { #expect(SafeHarbor.zip(code + "01") == "000") }
        #expect(SafeHarbor.zip("03701") == "037")
    }

    @Test(arguments: ["6270", "627045", "62704-12", "ABCDE", "", "62704 1234", "６２７０４"])
    func whatIsNoZipIsWithheld(_ text: String) {
        #expect(SafeHarbor.zip(text) == nil)
    }

    @Test(arguments: [
        ("1984-02-29", 2026, "1984"), ("2026-03-14T08:30:00Z", 2026, "2026"), ("1937-01-01", 2026, "1937"),
        ("1936-12-31", 2026, "90 or older"), ("1931-05-02", 2026, "90 or older"),
        // A year the subtraction cannot hold fails closed: the year goes.
        ("1931-05-02", Int.min, "90 or older"),
        ("1931-05-02", Int.max, "90 or older"),
    ])
    func dateKeepsItsYearUnlessItShowsAnAgeOver89(_ date: String, _ year: Int, _ expected: String) {
        #expect(SafeHarbor.date(date, decisionYear: year) == expected)
    }

    @Test(arguments: [("89", "89"), ("90", "90 or older"), ("130", "90 or older"), ("0", "0"), ("42.5", "42.5")])
    func ageOver89BecomesNinetyOrOlder(_ age: String, _ expected: String) {
        #expect(SafeHarbor.age(age) == expected)
    }

    @Test(arguments: ["-1", "1e3", "NaN", "ninety", "", "1000", "Infinity"])
    func whatIsNoAgeIsWithheld(_ text: String) {
        #expect(SafeHarbor.age(text) == nil)
    }

    @Test(arguments: [
        ("a 93-year-old man", "a [90 or older]-year-old man"), ("aged 91, stable", "aged [90 or older], stable"),
        ("Age: 95.", "Age: [90 or older]."), ("patient 92 yo", "patient [90 or older] yo"),
        ("patiente de 94 ans", "patiente de [90 or older] ans"), ("âgée de 96 ans", "âgée de [90 or older] ans"),
        // Ages up to 89, and numbers that are no ages, stay.
        ("a 89-year-old man", "a 89-year-old man"), ("room 93", "room 93"), ("93 mg", "93 mg"), ("aged 9", "aged 9"),
    ])
    func agesOver89InTextBecomeNinetyOrOlder(_ text: String, _ expected: String) {
        #expect(Scrubber.scrub(text, kinds: [], agesOver89: true)?.text == expected)
        // Not under Safe Harbor: ages stay.
        #expect(Scrubber.scrub(text, kinds: [])?.text == text)
    }

    static func bundle(_ transform: String, deidentify: String = "safe-harbor") -> String {
        """
        version: x
        regimes: { open: { consent: not-required } }
        categories: { c.x: open }
        records: { r: { x: c.x } }
        purposes:
          p:
            deidentify: \(deidentify)
            categories:
              c.x: \(transform)
        """
    }

    @Test(arguments: [
        "pseudonymize", "{ mask: 4 }", "{ generalize: month }", "{ generalize: year }", "{ generalize: { prefix: 3 } }",
        "{ scrub: [EMAIL, PHONE] }",
    ])
    func underSafeHarborTheValidatorRefusesWhatKeepsPartOfAnIdentifier(_ transform: String) throws {
        let error = try #require(throws: BundleValidationError.self) { _ = try BundleParser.parse(Self.bundle(transform)) }
        #expect(error.issues.map(\.path) == ["/purposes/p/categories/c.x"])
        // The same transform is fine for a purpose that does not deidentify.
        #expect(throws: Never.self) {
            _ = try BundleParser.parse(
                Self.bundle(transform).replacingOccurrences(of: "deidentify: safe-harbor", with: "accountable: true"))
        }
    }

    @Test(arguments: [
        "release", "scrub", "{ safe-harbor: zip }", "{ safe-harbor: date }", "{ safe-harbor: age }",
        "{ generalize: { band: 10 } }",
    ])
    func underSafeHarborTheValidatorTakes(_ transform: String) throws {
        let bundle = try BundleParser.parse(Self.bundle(transform))
        #expect(bundle.purposes["p"]?.safeHarbor == true)
    }

    @Test func anUnknownMethodOrRuleIsRefusedByPath() throws {
        let method = try #require(throws: BundleValidationError.self) {
            _ = try BundleParser.parse(Self.bundle("release", deidentify: "expert-determination"))
        }
        #expect(method.issues.map(\.path) == ["/purposes/p/deidentify"])
        let rule = try #require(throws: BundleValidationError.self) {
            _ = try BundleParser.parse(Self.bundle("{ safe-harbor: decade }"))
        }
        #expect(rule.issues.map(\.path) == ["/purposes/p/categories/c.x/safe-harbor"])
    }
}
