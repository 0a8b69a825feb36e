import DiscreetJSON
import Foundation

@testable import DiscreetPolicy

/// Seeded generation (SplitMix64): every run sees the same cases.
struct Generator {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    mutating func subset<T: Hashable>(_ xs: [T], _ percent: Int = 50) -> Set<T> { Set(xs.filter { _ in chance(percent) }) }

    static let categories = ["a.x", "a.y", "a.z", "b.x", "b.y", "c"]
    static let purposes = ["u0", "u1", "u2"]
    static let regimes = ["r0", "r1", "r2", "r3"]
    static let patterns = ["*", "a.*", "b.*", "a.x", "b.y", "c", "a.x.*"]
    static let types = ["DPA", "BAA", "NDA"]
    static let paths = ["p0", "p1", "p2", "n.q0", "n.q1", "arr[].v", "arr[].w", "list[]", "deep.arr[].inner.x", "m[][]"]
    static let transforms: [Transform] = [
        .release, .mask(keep: 2), .generalizeYear, .generalizeMonth, .generalizeBand(width: 10), .generalizePrefix(keep: 2),
        .pseudonymize, .mask(keep: 0), .generalizeBand(width: 1), .generalizeBand(width: 1_000_000),
        .generalizePrefix(keep: 0), .scrub(.all), .scrub([.phone, .date]), .scrub([]), .safeHarborZIP, .safeHarborDate,
        .safeHarborAge, .tokenize,
    ]

    mutating func bundle() -> PolicyBundle {
        var regimes: [String: Regime] = [:]
        for name in Self.regimes {
            regimes[name] = Regime(
                name: name, consent: chance(60) ? .required : .notRequired, recipient: chance(50) ? .named : .anyContracted,
                consentExemptPurposes: subset(Self.purposes, 25), exceptions: subset(["threat", "emergency"], 60),
                notice: chance(40) ? pick(["No redisclosure.", "Part 2.", "Secret."]) : nil, guardsCompetitors: chance(30),
                agreementTypes: chance(25) ? subset(Self.types, 70) : nil)
        }
        var categories: [String: String] = [:]
        for c in Self.categories { categories[c] = pick(Self.regimes) }
        var fields: [String: String] = [:]
        for p in Self.paths where chance(80) { fields[p] = pick(Self.categories) }
        var purposes: [String: Purpose] = [:]
        for u in Self.purposes {
            var t: [String: Transform] = [:]
            for c in Self.categories where chance(60) { t[c] = pick(Self.transforms) }
            purposes[u] = Purpose(name: u, transforms: t, safeHarbor: chance(20))
        }
        return PolicyBundle(
            version: "gen", regimes: regimes,
            exceptions: [
                "threat": ExceptionRule(name: "threat", recipientKinds: ["authority", "service-provider"]),
                "emergency": ExceptionRule(name: "emergency", recipientKinds: ["medical"]),
            ], categories: categories,
            tags: ["t0": Array(subset(Self.regimes, 40)).sorted(), "t1": Array(subset(Self.regimes, 40)).sorted()],
            records: ["rec": RecordType(name: "rec", fields: fields)], purposes: purposes)
    }

    mutating func date() -> Date { Generator.now.addingTimeInterval(Double(int(5) - 2) * 3600) }

    mutating func patterns() -> [CategoryPattern] { (0..<(1 + int(2))).map { _ in CategoryPattern(pick(Self.patterns)) } }

    mutating func input(_ bundle: PolicyBundle) -> DecisionInput {
        let agreements = (0..<(1 + int(2))).map { i in
            Agreement(
                id: "a-\(i)", type: pick(Self.types), purposes: subset(Self.purposes, 80),
                categories: chance(50) ? [CategoryPattern("*")] : patterns(),
                validFrom: Generator.now.addingTimeInterval(chance(85) ? -3600 : 3600),
                validUntil: Generator.now.addingTimeInterval(chance(90) ? 7200 : -60))
        }
        let provider =
            chance(90)
            ? Provider(
                id: "acme", kind: pick(["service-provider", "authority", "medical"]), agreements: agreements,
                servesCompetitorsOf: chance(30) ? ["s-1"] : [], suspended: chance(3))
            : nil
        let restrictions = (0..<(chance(70) ? 0 : 1 + int(2))).map { _ in
            Restriction(
                provider: chance(50) ? pick(["acme", "other"]) : nil, purpose: chance(50) ? pick(Self.purposes) : nil,
                category: chance(60) ? CategoryPattern(pick(Self.patterns)) : nil)
        }
        let subject = chance(80) ? Subject(id: "s-1", tags: subset(["t0", "t1", "nope"], 30), restrictions: restrictions) : nil
        let consents = (0..<int(6)).map { i in
            var c = Consent(
                id: "c-\(int(4))-\(i)", subject: "s-1", provider: pick(["acme", "*", "other"]),
                purposes: subset(Self.purposes, 60), categories: patterns(), grantedAt: date(),
                expiresAt: date().addingTimeInterval(Double(int(3)) * 3600), acknowledgesConflict: chance(40))
            if chance(15) { c.withdrawnAt = date() }
            return c
        }
        let exception =
            chance(25)
            ? ExceptionInvocation(basis: pick(["threat", "emergency", "threat", "unknown"]), justification: "j", facts: "f") : nil
        var input = DecisionInput(
            providerID: "acme", purpose: chance(95) ? pick(Self.purposes) : "nope", subjectID: "s-1",
            recordType: chance(97) ? "rec" : "nope", recordTags: subset(["t0", "t1"], 20), provider: provider, subject: subject,
            consents: consents, exception: exception, time: Generator.now)
        // Some fields' tokens issued already, others not yet.
        for path in ["p0", "n.q0", "arr[0].v", "list[1]"] where chance(50) { input.tokens[path] = "tok_" + path }
        return input
    }

    mutating func scalar() -> JSONValue {
        chance(85) ? pick(Self.plainScalars) : pick(Self.extremeScalars)
    }

    static let plainScalars: [JSONValue] = [
        "1984-02-29", "2001-13-01", "abcdef", "", "ünïcødé✓", .number("37"), .number("-4.5"), .bool(true), .null,
        // Free text, and the values scrub looks for in it.
        "Ana Souza, né le 29 février 1984, tel 06 12 34 56 78, ana@example.fr", "Ana Souza", "06.12.34.56.78",
        .number("0612345678"), "souza", "A. SOUZA 4970 1012 3456 7893", "03601", "75011-1234", .number("93"),
        "1931-05-02", "aged 95, seen 02/05/1931",
    ]

    /// Values at the edges, where arithmetic and text handling break: Int's limits and one past
    /// them, huge, tiny and negative-zero floats, exponents, long and combining-character text.
    static let extremeScalars: [JSONValue] = [
        .number("9223372036854775807"), .number("-9223372036854775808"), .number("9223372036854775808"),
        .number("-9223372036854775809"), .number("1e308"), .number("-1e308"), .number("5e-324"), .number("-0"),
        .number("-0.0"), .number("1E+2"), .number("123456789012345678901234567890"), .number("0.1e-7"),
        .string(String(repeating: "x", count: 4096)), .string("e\u{301}\u{301}\u{301}"), .string("👩‍👩‍👧‍👦"),
        .string("\u{0}\u{1F}\u{7F}"), .string("9999-12-31T23:59:59Z"), .string("0000-01-01"), .string(" 37"),
    ]

    mutating func value(depth: Int) -> JSONValue {
        guard depth < 3, chance(40) else { return scalar() }
        if chance(50) { return .array((0..<int(3)).map { _ in value(depth: depth + 1) }) }
        return .object(object(depth: depth + 1))
    }

    mutating func object(depth: Int) -> JSONObject {
        var o = JSONObject()
        let keys = ["p0", "p1", "p2", "n", "q0", "q1", "arr", "v", "w", "list", "deep", "inner", "x", "m", "zz", "a.b", "c[0]"]
        for _ in 0..<(1 + int(6)) {
            let k = pick(keys)
            if o[k] == nil { o[k] = value(depth: depth) }
        }
        return o
    }

    /// Mostly the record type's own shape, with strays: unknown keys, keys that pose as paths,
    /// values of the wrong shape.
    mutating func record() -> JSONObject {
        var o = JSONObject()
        if chance(70) { o["p0"] = scalar() }
        if chance(70) { o["p1"] = scalar() }
        if chance(50) { o["p2"] = value(depth: 1) }
        if chance(60) { o["n"] = .object(JSONObject([("q0", scalar()), ("q1", scalar())])) }
        if chance(60) {
            o["arr"] = .array(
                (0..<int(3)).map { _ in chance(85) ? .object(JSONObject([("v", scalar()), ("w", scalar())])) : scalar() })
        }
        if chance(50) { o["list"] = .array((0..<int(3)).map { _ in scalar() }) }
        if chance(40) {
            o["deep"] = ["arr": .array([.object(JSONObject([("inner", .object(JSONObject([("x", scalar())])))]))])]
        }
        if chance(30) { o["m"] = .array([.array([scalar(), scalar()])]) }
        if chance(30) { o[pick(["zz", "a.b", "c[0]", "", "n"])] = value(depth: 1) }
        if o.isEmpty || chance(20) { o = object(depth: 0) }
        return o
    }

    mutating func fields() -> [String] {
        let concrete = [
            "p0", "p1", "n.q0", "arr[0].v", "arr[12].w", "arr[].v", "list[3]", "deep.arr[1].inner.x", "m[0][1]", "zz",
            "arr[x].v", "a..b", "", "p0[0]",
        ]
        return (0..<int(8)).map { _ in pick(concrete) }
    }
}
