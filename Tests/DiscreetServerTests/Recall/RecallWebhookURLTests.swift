import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

/// The server's check of a recall webhook's URL is exactly openapi.yaml's pattern: a generated
/// client that follows the spec is never refused, and nothing the spec refuses is stored.
@Suite struct RecallWebhookURLTests {
    static func specPattern(_ schema: String = "RecallWebhookURL", _ member: String = "url") throws -> String {
        let spec = try OpenAPISpec.load()
        let schema = spec.resolve(["$ref": .string("#/components/schemas/\(schema)")])
        return try #require(schema["properties"]?[member]?["pattern"]?.stringValue)
    }

    @Test func theRoutePathCheckAgreesWithTheSpecsPattern() throws {
        let pattern = try Regex(try Self.specPattern("RecallWebhookRoute", "path"))
        var cases = [
            "/", "/recalls", "/a?b=c", "", "recalls", "/a#b", "/a b", "/é", "/\u{7F}", "//",
            "/" + String(repeating: "a", count: 1023),
            "/" + String(repeating: "a", count: 1024),
        ]
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("a/?#% é~!\"\t")
        for _ in 0..<5_000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            cases.append(s)
        }
        for s in cases {
            let spec = s.utf8.count <= 1024 && (try? pattern.wholeMatch(in: s)) != nil
            #expect(RecallWebhook.isRoutePath(s) == spec, "\(s.prefix(40))")
        }
    }

    @Test func theCheckAgreesWithTheSpecsPatternOnEdgesAndRandomStrings() throws {
        let pattern = try Regex(try Self.specPattern())
        let maxLength = 2048
        func spec(_ s: String) -> Bool { s.utf8.count <= maxLength && (try? pattern.wholeMatch(in: s)) != nil }
        var cases = [
            "http://a", "https://a.b-c:8443/x?y=1&z=%20", "https://h:1", "https://h:123456", "https://h:", "http://",
            "ftp://h", "https://user@h", "https://h#f", "https://h/a#f", "https://h/ a", "https://h/é", "HTTPS://h",
            "https://h/\u{7F}", "https://[::1]/", "https://h?x", "https://h/\"", "https://h/~!",
            "https://h" + "/"
                + String(repeating: "a", count: 2039), "https://h/" + String(repeating: "a", count: 2039),
        ]
        // Random strings over the characters that matter, biased to look like URLs.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09.-:/?#@ %\"é\u{7F}~![]\t")
        for _ in 0..<20_000 {
            var s = ["http://", "https://", "", "http:/"].randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 0...12, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            cases.append(s)
        }
        for s in cases {
            #expect(RecallWebhook.isWebhookURL(s) == spec(s), "\(s.prefix(40))… (\(s.utf8.count) bytes)")
        }
    }
}
