import DiscreetPolicy
import Testing

/// `*`, `prefix.*` and plain names, as agreements, consents and restrictions use them.
@Suite struct CategoryPatternTests {
    @Test(arguments: [
        ("*", "health.diagnosis", true), ("*", "x", true),
        ("health.*", "health.diagnosis", true), ("health.*", "health.lab.result", true),
        ("health.*", "health", false), ("health.*", "health.", false), ("health.*", "healthcare.x", false),
        ("health.*", "xhealth.diagnosis", false), ("health.lab.*", "health.lab.result", true),
        ("health.lab.*", "health.labs.result", false), ("health.diagnosis", "health.diagnosis", true),
        ("health.diagnosis", "health.diagnosis.x", false), ("health.diagnosis", "health", false),
    ])
    func matches(_ pattern: String, _ category: String, _ expected: Bool) {
        #expect(CategoryPattern(pattern).matches(category) == expected)
    }

    @Test func wildcardsAreNamed() {
        #expect(CategoryPattern("*").isWildcard)
        #expect(CategoryPattern("a.*").isWildcard)
        #expect(!CategoryPattern("a.b").isWildcard)
    }
}
