/// A starting bundle written from the law rather than from a blank page (`discreet policy init
/// --preset NAME`). Every regime, exception and notice in it carries the citation it is written
/// from, and its own tests show each cited rule decide: one that triggers the rule and one that
/// just misses it, named `"<rule> (triggers): …"` and `"<rule> (just misses): …"`.
public struct Preset: Sendable {
    public init(name: String, summary: String, rules: [String], source: String) {
        self.name = name
        self.summary = summary
        self.rules = rules
        self.source = source
    }

    public let name: String
    /// One line for `policy init --list`.
    public let summary: String
    /// The rules the preset is written from, each as its citations spell it.
    public let rules: [String]
    /// The bundle, YAML, with comments for the person who adapts it.
    public let source: String

    public static let all: [Preset] = [.hipaa, .part2, .gdprArt9, .frenchSecrecy, .abaRule16, .tradeSecret]

    public static func named(_ name: String) -> Preset? { all.first { $0.name == name } }
}
