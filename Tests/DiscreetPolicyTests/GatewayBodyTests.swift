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

    /// `as: token`: each subject's token goes where its id was read, whatever the released
    /// record holds there, and the containers on the way are made when nothing was released.
    @Test func subjectTokensArePlacedWhereTheIdsWere() {
        var one = Self.route(subject: .pointer(JSONPointer("/meta/subject")!), record: .at(JSONPointer("/patient")!))
        one.subjectNaming = .token
        let single = GatewaySubjects(groups: [.init(subjectID: "p-1", positions: [0])])
        #expect(
            one.placingSubjectTokens(in: ["patient": ["name": "A"]], single, tokens: ["tok_1"])
                == ["patient": ["name": "A"], "meta": ["subject": "tok_1"]])
        // Inside the record, over a released id or a value of another shape.
        one.subject = .pointer(JSONPointer("/patient/id/value")!)
        #expect(
            one.placingSubjectTokens(in: ["patient": ["id": "p-1"]], single, tokens: ["tok_1"])
                == ["patient": ["id": ["value": "tok_1"]]])
        var each = Self.route(subject: .eachRecord(JSONPointer("/who")!), record: .each(JSONPointer("/items")!))
        each.subjectNaming = .token
        let two = GatewaySubjects(groups: [
            .init(subjectID: "p-2", positions: [0, 2]), .init(subjectID: "p-1", positions: [1]),
        ])
        #expect(
            each.placingSubjectTokens(in: ["items": [["who": "p-2"], [:], ["n": 1]]], two, tokens: ["tok_2", "tok_1"])
                == ["items": [["who": "tok_2"], ["who": "tok_1"], ["n": 1, "who": "tok_2"]]])
        // Path and header sources are the caller's to replace.
        let path = Self.route(subject: .pathParameter("account"), record: .at(JSONPointer("")!))
        #expect(path.placingSubjectTokens(in: ["a": 1], single, tokens: ["tok_1"]) == ["a": 1])
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
            bySubject: [
                SubjectRecords(
                    input: input, records: [["name": "A", "diagnosis": "x"], ["diagnosis": "y"]], prefixes: ["[0]", "[1]"])
            ], pseudonymizer: pseudonymizer)
        #expect(out.map(\.subjectID) == ["s"])
        #expect(out[0].decisions.map(\.field) == ["[0].name", "[0].diagnosis", "[1].diagnosis"])
        let many = [JSONObject](repeating: JSONObject((0..<100).map { ("k\($0)", .string("v")) }), count: 101)
        #expect(throws: RequestRefusal.tooManyFields(DecisionEngine.maxFields)) {
            try engine.disclose(
                bySubject: [SubjectRecords(input: input, records: many, prefixes: many.indices.map { "[\($0)]" })],
                pseudonymizer: pseudonymizer)
        }
        // The limit holds across subjects too: 51 records each for two subjects.
        var other = input
        other.subjectID = "t"
        let half = Array(many.prefix(51))
        #expect(throws: RequestRefusal.tooManyFields(DecisionEngine.maxFields)) {
            try engine.disclose(
                bySubject: [
                    SubjectRecords(input: input, records: half, prefixes: half.indices.map { "[\($0)]" }),
                    SubjectRecords(input: other, records: half, prefixes: half.indices.map { "[\($0 + 51)]" }),
                ], pseudonymizer: pseudonymizer)
        }
    }

    @Test func eachRecordsSubjectIsReadBesideItAndGrouped() throws {
        let route = Self.route(subject: .eachRecord(JSONPointer("/who/id")!), record: .each(JSONPointer("/items")!))
        let body: JSONValue = [
            "items": [
                ["who": ["id": "beta-sa"], "n": "1"], ["who": ["id": "gamma-llc"]], ["who": ["id": "beta-sa"]],
                ["who": ["id": .number("100")]],
            ],
            "who": ["id": "outside"],
        ]
        let parts = try GatewayBody(body, location: route.record)
        let subjects = try route.subjects(of: parts, body: body, parameters: [:], header: { _ in "h" })
        #expect(
            subjects.groups == [
                .init(subjectID: "beta-sa", positions: [0, 2]), .init(subjectID: "gamma-llc", positions: [1]),
                .init(subjectID: "100", positions: [3]),
            ])
        // No request-wide subject for such a route.
        #expect(route.subjectID(body: body, parameters: [:], header: { _ in "h" }) == nil)
        let batches = subjects.batches(
            parts,
            inputs: subjects.groups.map { group in
                DecisionInput(
                    providerID: "p", purpose: "billing", subjectID: group.subjectID, recordType: "patient", provider: nil,
                    subject: nil, consents: [], time: RFC3339.parse("2026-06-01T00:00:00Z")!)
            })
        #expect(batches.map(\.input.subjectID) == ["beta-sa", "gamma-llc", "100"])
        #expect(batches[0].prefixes == ["[0]", "[2]"])
        #expect(batches[0].records == [parts.records[0], parts.records[2]])
        #expect(
            subjects.inBodyOrder([[["a": "0"], ["a": "2"]], [["a": "1"]], [["a": "3"]]], count: 4) == [
                ["a": "0"], ["a": "1"], ["a": "2"], ["a": "3"],
            ])

        // A record without its own subject, or with one that is not an id, refuses the request, by index.
        for bad: JSONValue in [
            ["items": [["who": ["id": "a"]], ["who": [:]], ["who": ["id": ""]], ["who": ["id": .number("1.5")]]]],
            ["items": [["who": ["id": "a"]], ["x": "1"], ["who": ["id": .array([])]], ["who": ["id": .null]]]],
        ] {
            let p = try GatewayBody(bad, location: route.record)
            #expect(throws: GatewaySubjects.Problem.missingInRecords([1, 2, 3])) {
                try route.subjects(of: p, body: bad, parameters: [:], header: { _ in nil })
            }
        }
        // One subject for the request: every record in one group, or the request refused.
        let one = Self.route(subject: .pointer(JSONPointer("/who/id")!), record: .each(JSONPointer("/items")!))
        #expect(
            try one.subjects(of: parts, body: body, parameters: [:], header: { _ in nil }).groups == [
                .init(subjectID: "outside", positions: [0, 1, 2, 3])
            ])
        #expect(throws: GatewaySubjects.Problem.missing) {
            try one.subjects(of: parts, body: ["items": body.objectValue!["items"]!], parameters: [:], header: { _ in nil })
        }
    }
}
