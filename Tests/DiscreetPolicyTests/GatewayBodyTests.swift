import DiscreetJSON
import Testing

@testable import DiscreetPolicy

/// The pure half of the gateway: matching a path, finding the subject and the records in a body,
/// and rebuilding the body that may leave from what passed alone.
@Suite struct GatewayBodyTests {
    static func route(subject: GatewayRoute.SubjectSource, record: GatewayRoute.RecordLocation) -> GatewayRoute {
        GatewayRoute(
            id: "r", direction: .egress, provider: "p", purpose: "billing", recordType: "patient", method: "POST",
            path: PathTemplate("/v1/accounts/{account}/claims")!, subject: subject, record: record,
            upstream: "https://api.example", auth: .bearer(secret: "tok"), timeoutSeconds: 5)
    }

    @Test func aPathMatchesItsTemplateSegmentBySegment() {
        let t = PathTemplate("/v1/accounts/{account}/claims")!
        #expect(t.match(["v1", "accounts", "a-1", "claims"]) == ["account": "a-1"])
        #expect(t.match(["v1", "accounts", "caf%C3%A9", "claims"]) == ["account": "café"])
        #expect(t.match(["v1", "accounts", "a-1"]) == nil)
        #expect(t.match(["v1", "accounts", "a-1", "claims", "x"]) == nil)
        #expect(t.match(["v2", "accounts", "a-1", "claims"]) == nil)
        // Nothing that could take the upstream path elsewhere.
        for bad in ["..", ".", "%2E%2E", "%2e", "a%2Fb", "a%5Cb", "a%00b", "%", ""] {
            #expect(t.match(["v1", "accounts", Substring(bad), "claims"]) == nil, "\(bad)")
        }
    }

    @Test func theSubjectComesFromWhereTheRouteSays() {
        let body: JSONValue = ["subject": "p-1", "n": .number("42"), "f": .number("4.2"), "o": ["id": "p-9"], "e": ""]
        func id(_ s: GatewayRoute.SubjectSource) -> String? {
            Self.route(subject: s, record: .at(JSONPointer("")!)).subjectID(
                body: body, parameters: ["account": "a-7"], header: { $0 == "X-Subject" ? "h-3" : nil })
        }
        #expect(id(.pointer(JSONPointer("/subject")!)) == "p-1")
        #expect(id(.pointer(JSONPointer("/o/id")!)) == "p-9")
        #expect(id(.pointer(JSONPointer("/n")!)) == "42")
        #expect(id(.pointer(JSONPointer("/f")!)) == nil)
        #expect(id(.pointer(JSONPointer("/o")!)) == nil)
        #expect(id(.pointer(JSONPointer("/e")!)) == nil)
        #expect(id(.pointer(JSONPointer("/missing")!)) == nil)
        #expect(id(.pathParameter("account")) == "a-7")
        #expect(id(.header("X-Subject")) == "h-3")
        #expect(id(.header("X-Other")) == nil)
    }

    @Test func onlyTheRecordsTravelInTheirContainers() throws {
        let body: JSONValue = [
            "meta": ["ssn": "2840229123456"], "claim": ["patient": ["name": "Ana", "diagnosis": "F32.1"], "note": "x"],
        ]
        let one = try GatewayBody(body, location: .at(JSONPointer("/claim/patient")!))
        #expect(one.records == [["name": "Ana", "diagnosis": "F32.1"]])
        #expect(one.prefixes == [""])
        #expect(one.forwarded([["name": "Ana"]]) == ["claim": ["patient": ["name": "Ana"]]])

        let whole = try GatewayBody(["name": "Ana"], location: .at(JSONPointer("")!))
        #expect(whole.forwarded([[:]]) == [:])

        let many = try GatewayBody(
            ["items": [["name": "A"], ["name": "B"]], "total": 2], location: .each(JSONPointer("/items")!))
        #expect(many.prefixes == ["[0]", "[1]"])
        #expect(many.forwarded([["name": "A"], [:]]) == ["items": [["name": "A"], [:]]])
    }

    @Test func aBodyWithoutTheRecordIsNamedByItsPointer() {
        func problem(_ body: JSONValue, _ location: GatewayRoute.RecordLocation) -> GatewayBody.Problem? {
            do {
                _ = try GatewayBody(body, location: location)
                return nil
            } catch { return error }
        }
        #expect(problem([:], .at(JSONPointer("/patient")!)) == .recordMissing(pointer: "/patient"))
        #expect(problem(["patient": "Ana"], .at(JSONPointer("/patient")!)) == .recordNotAnObject(pointer: "/patient", index: nil))
        #expect(problem(["a": [["p": [:]]]], .at(JSONPointer("/a/0/p")!)) == .pointerCrossesArray(pointer: "/a/0/p"))
        #expect(problem(["items": [:]], .each(JSONPointer("/items")!)) == .recordsNotAnArray(pointer: "/items"))
        #expect(problem(["items": [[:], 3]], .each(JSONPointer("/items")!)) == .recordNotAnObject(pointer: "/items", index: 1))
        #expect(problem(.string("x"), .at(JSONPointer("/p")!)) == .recordMissing(pointer: "/p"))
    }

    @Test func theDefinitionDigestChangesWithTheDefinition() {
        let a = Self.route(subject: .pathParameter("account"), record: .each(JSONPointer("/items")!))
        var b = a
        #expect(a.definitionDigest == b.definitionDigest)
        #expect(a.definitionDigest.count == 64)
        b.upstream = "https://api.example/other"
        #expect(a.definitionDigest != b.definitionDigest)
        b = a
        b.auth = .bearer(secret: "other")
        #expect(a.definitionDigest != b.definitionDigest)
        b = a
        b.record = .at(JSONPointer("/items")!)
        #expect(a.definitionDigest != b.definitionDigest)
    }

    @Test func recordsAreDecidedOneByOneUnderOneFieldLimit() throws {
        let bundle = try BundleParser.parse(
            """
            version: t
            regimes: { personal: { consent: not-required } }
            categories: { identity.name: personal, health.diagnosis: personal }
            records: { patient: { name: identity.name, diagnosis: health.diagnosis } }
            purposes: { billing: { identity.name: release } }
            """)
        let engine = DecisionEngine(bundle: bundle)
        let input = DecisionInput(
            providerID: "p", purpose: "billing", subjectID: "s", recordType: "patient", recordTags: [],
            provider: Provider(id: "p", kind: "service-provider", agreements: []), subject: nil, consents: [],
            exception: nil, time: RFC3339.parse("2026-06-01T00:00:00Z")!)
        let pseudonymizer = Pseudonymizer(serviceSecret: .init(data: [UInt8](repeating: 1, count: 32)), providerID: "p")
        let out = try engine.disclose(
            records: [["name": "A", "diagnosis": "x"], ["diagnosis": "y"]], prefixes: ["[0]", "[1]"], input: input,
            pseudonymizer: pseudonymizer)
        #expect(out.decisions.map(\.field) == ["[0].name", "[0].diagnosis", "[1].diagnosis"])
        let many = [JSONObject](repeating: JSONObject((0..<100).map { ("k\($0)", .string("v")) }), count: 101)
        #expect(throws: RequestRefusal.tooManyFields(DecisionEngine.maxFields)) {
            try engine.disclose(
                records: many, prefixes: many.indices.map { "[\($0)]" }, input: input, pseudonymizer: pseudonymizer)
        }
    }
}
