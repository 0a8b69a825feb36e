import DiscreetJSON
import DiscreetPolicy
import Foundation

/// A bundle of the size a large professional would keep: 10 regimes, 60 categories, 8 record
/// types of 20 fields, 12 purposes; a provider, a tagged subject, and 100,000 consents in memory
/// (the engine is handed the subject's own, as the store's index would).
enum Realistic {
    static let source: String = {
        var y = "version: bench-1\nregimes:\n"
        for r in 0..<10 {
            let consent = r % 3 == 0 ? "not-required" : "required"
            let recipient = r % 2 == 0 ? "any-contracted" : "named"
            y += "  r\(r): { consent: \(consent), recipient: \(recipient), consent-exempt-purposes: [u0], exceptions: [threat]"
            y += r == 4 ? ", guards-competitors: true" : ""
            y += r == 7 ? ", notice: \"No redisclosure.\"" : ""
            y += " }\n"
        }
        y += "exceptions:\n  threat: { recipient-kinds: [authority] }\ntags:\n  sensitive: [r7]\ncategories:\n"
        for c in 0..<60 { y += "  cat\(c / 10).c\(c): r\(c % 10)\n" }
        y += "records:\n"
        for t in 0..<8 {
            y += "  type\(t):\n"
            for f in 0..<20 {
                let c = (t * 7 + f * 3) % 60
                let path = f < 4 ? "nested.f\(f)" : (f < 6 ? "items[].f\(f)" : "f\(f)")
                y += "    \(path): cat\(c / 10).c\(c)\n"
            }
        }
        y += "purposes:\n"
        let transforms = [
            "release", "{ mask: 4 }", "{ generalize: year }", "pseudonymize", "{ generalize: { prefix: 3 } }", "release",
        ]
        for p in 0..<12 {
            y += "  u\(p):\n"
            for c in stride(from: p % 2, to: 60, by: 2) {
                y += "    cat\(c / 10).c\(c): \(transforms[(c + p) % transforms.count])\n"
            }
        }
        return y
    }()

    static let bundle = try! BundleParser.parse(source)
    static let engine = DecisionEngine(bundle: bundle)
    static let now = RFC3339.parse("2026-06-01T12:00:00Z")!

    static let provider = Provider(
        id: "acme", kind: "service-provider",
        agreements: [
            Agreement(
                id: "a", type: "DPA", purposes: Set((0..<12).map { "u\($0)" }), categories: [CategoryPattern("*")],
                validFrom: now.addingTimeInterval(-86_400), validUntil: now.addingTimeInterval(86_400))
        ])

    /// 100,000 consents for 20,000 subjects; the subject decided on has five.
    static let consentsBySubject: [String: [Consent]] = {
        var out: [String: [Consent]] = [:]
        for i in 0..<100_000 {
            let subject = "s-\(i % 20_000)"
            out[subject, default: []].append(
                Consent(
                    id: "c-\(i)", subject: subject, provider: i % 2 == 0 ? "acme" : "other", purposes: ["u0", "u2", "u4"],
                    categories: [CategoryPattern("cat\(i % 6).*")], grantedAt: now.addingTimeInterval(-3600),
                    expiresAt: now.addingTimeInterval(3600)))
        }
        return out
    }()

    static let input = DecisionInput(
        providerID: "acme", purpose: "u2", subjectID: "s-42", recordType: "type3", provider: provider,
        subject: Subject(id: "s-42", tags: ["sensitive"]), consents: consentsBySubject["s-42"] ?? [], time: now)

    /// A record of the type's 20 fields (two of them in a 1-element array).
    static let record: JSONObject = {
        var o = JSONObject()
        var nested = JSONObject()
        for f in 0..<20 {
            let value: JSONValue =
                f % 3 == 0 ? .number("\(1000 + f)") : .string(f % 3 == 1 ? "1984-02-29" : "some value \(f)")
            if f < 4 { nested["f\(f)"] = value } else if f >= 6 { o["f\(f)"] = value }
        }
        o["nested"] = .object(nested)
        o["items"] = [["f4": "a value", "f5": "69003"]]
        return o
    }()

    static let pseudonymizer = Pseudonymizer(serviceSecret: .init(data: Data(repeating: 1, count: 32)), providerID: "acme")

    /// The baseline: the same 20 values as a flat `[String: String]`, filtered by an allow-set.
    static let flat: [String: String] = Dictionary(uniqueKeysWithValues: (0..<20).map { ("f\($0)", "value \($0)") })
    static let allowed: Set<String> = Set((0..<20).filter { $0 % 2 == 0 }.map { "f\($0)" })

    static let body: [UInt8] = JSONWriter.encode([
        "provider": "acme", "purpose": "u2", "subject": "s-42", "record_type": "type3", "record": .object(record),
    ])
}
