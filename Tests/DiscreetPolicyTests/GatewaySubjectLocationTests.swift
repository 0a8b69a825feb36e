import DiscreetPolicy
import Testing

/// Where a route reads its subject must mean one subject per decision (issue 20): each record's own
/// beside it (`/items/*/subject`), or one for the whole request from outside the records' array.
/// Every other location is refused at load with its path and line.
@Suite struct GatewaySubjectLocationTests {
    static func route(subject: String, record: String, direction: String = "egress") -> String {
        let match = direction == "pull" ? "{ method: GET, path: /claims }" : "{ method: POST, path: /claims }"
        return GatewayBundleTests.bundle(
            """
                collect:
                  direction: \(direction)
                  provider: recouvra
                  purpose: billing
                  record-type: patient
                  match: \(match)
                  subject: { pointer: "\(subject)" }
                  record: { pointer: "\(record)" }
                  upstream: { url: https://api.recouvra.test }

            """)
    }

    @Test(arguments: ["egress", "pull"])
    func eachRecordsOwnSubjectIsReadBesideIt(_ direction: String) throws {
        let b = try BundleParser.parse(Self.route(subject: "/items/*/subject", record: "/items/*", direction: direction))
        let r = try #require(b.gateway["collect"])
        #expect(r.subject == .eachRecord(JSONPointer("/subject")!))
        #expect(r.definition.objectValue?["subject"]?.objectValue?["pointer"] == "/items/*/subject")

        let nested = try BundleParser.parse(Self.route(subject: "/batch/rows/*/who/id", record: "/batch/rows/*"))
        #expect(nested.gateway["collect"]?.subject == .eachRecord(JSONPointer("/who/id")!))
        let whole = try BundleParser.parse(Self.route(subject: "/*/subject", record: "/*"))
        #expect(whole.gateway["collect"]?.subject == .eachRecord(JSONPointer("/subject")!))
    }

    @Test func oneSubjectForTheRequestFromOutsideTheArray() throws {
        let b = try BundleParser.parse(Self.route(subject: "/account/holder", record: "/items/*"))
        #expect(b.gateway["collect"]?.subject == .pointer(JSONPointer("/account/holder")!))
        // A sibling whose name only starts like the array's is outside it.
        let sibling = try BundleParser.parse(Self.route(subject: "/items_owner", record: "/items/*"))
        #expect(sibling.gateway["collect"]?.subject == .pointer(JSONPointer("/items_owner")!))
    }

    /// Each location that cannot mean one subject per decision, with the words that say why.
    @Test(arguments: [
        // A `*` the records' pointer does not share.
        ("/items/*/subject", "/patient", "one value for the request"),
        ("/items/*/subject", "", "one value for the request"),
        ("/others/*/subject", "/items/*", "must be the step of the records' array"),
        // One element of the records' array: every record decided under that element's subject.
        ("/items/0/subject", "/items/*", "points into one element of the records' array /items"),
        ("/items/-/subject", "/items/*", "points into one element of the records' array /items"),
        ("/batch/items/12/id", "/batch/items/*", "points into one element of the records' array /batch/items"),
        // The array itself, or a container of it.
        ("/items", "/items/*", "designates the records' array"),
        ("/batch", "/batch/items/*", "designates the records' array"),
        ("/items/*", "/items/*", "point to its subject's member inside it"),
        // A `*` that is not the array step.
        ("/items/*/refs/*", "/items/*", "'*' stands only for the records' array step"),
        ("/meta/*", "/items/*", "must be the step of the records' array"),
        ("/*/id", "/patient", "one value for the request"),
    ])
    func aSubjectLocationThatCannotBindIsRefused(_ subject: String, _ record: String, _ why: String) {
        for direction in ["egress", "pull"] {
            let found = BundleValidationTests().issues(Self.route(subject: subject, record: record, direction: direction))
            let issue = found.first { $0.path == "/gateway/routes/collect/subject/pointer" }
            #expect(issue?.message.contains(why) == true, "\(subject) on \(record): \(found)")
            #expect(issue?.line != nil, "\(found)")
        }
    }
}
