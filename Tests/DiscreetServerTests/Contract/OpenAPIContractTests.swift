import DiscreetJSON
import DiscreetPolicy
import DiscreetServer
import DiscreetStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The server and openapi.yaml agree: the same operations, and every answer of a tour through the
/// API, successes and errors, has a status the spec lists and a body that matches its schema.
@Suite struct OpenAPIContractTests {
    @Test func theRouterAndTheSpecHaveTheSameOperations() async throws {
        let spec = try OpenAPISpec.load()
        let h = try await Harness()
        // The router's catch-all `**` is the spec's `{path}`: one or more segments.
        let routes = Set(
            buildRouter(h.services).routes.map {
                "\($0.method.rawValue) \($0.path)".replacingOccurrences(of: "**", with: "{path}")
            })
        #expect(
            routes.subtracting(spec.operations).isEmpty,
            "in the router, not the spec: \(routes.subtracting(spec.operations).sorted())")
        #expect(
            spec.operations.subtracting(routes).isEmpty,
            "in the spec, not the router: \(spec.operations.subtracting(routes).sorted())")
        #expect(routes.count == 44)
        // The metrics listener, in a document of its own so that generated API clients never call it.
        let metrics = try OpenAPISpec.load("openapi-metrics.yaml")
        #expect(Set(buildMetricsRouter(h.services).routes.map { "\($0.method.rawValue) \($0.path)" }) == metrics.operations)
    }

    /// Every problem type the server can emit is in the spec's enum, and nothing else is: the
    /// slugs are read from the server's sources (each `Problem(status, "slug", …)` and each
    /// `unknownName("what", …)`), so a new problem without its line in openapi.yaml fails here.
    @Test func theProblemTypeEnumIsTheCatalog() throws {
        let spec = try OpenAPISpec.load()
        let listed = Set(
            (spec.resolve(["$ref": "#/components/schemas/Problem"])["properties"]?["type"]?["enum"]?.arrayValue ?? [])
                .compactMap(\.stringValue))
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/DiscreetServer")
        var emitted = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        let literal = try Regex(#"\.[a-zA-Z]+, "([a-z][a-z0-9-]*)",( |\n)"#)
        let unknown = try Regex(#"unknownName\(\s*"([a-z ]+)""#)
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for m in text.matches(of: literal) { emitted.insert(String(m.output[1].substring!)) }
            for m in text.matches(of: unknown) {
                emitted.insert("unknown-" + m.output[1].substring!.replacingOccurrences(of: " ", with: "-"))
            }
        }
        #expect(emitted.count > 30, "the scan found \(emitted.count) slugs: has the catalog moved?")
        let expected = Set(emitted.map { Problem.typePrefix + $0 })
        #expect(expected.subtracting(listed).isEmpty, "emitted, not in the spec: \(expected.subtracting(listed).sorted())")
        #expect(listed.subtracting(expected).isEmpty, "in the spec, never emitted: \(listed.subtracting(expected).sorted())")
    }

    /// An unknown member is named in an error only when its name is one of the API's request
    /// members: that list and the spec's request schemas are the same set of names. (A policy
    /// bundle is read by the bundle parser, whose issues are located by path, not by this list.)
    @Test func theReadersVocabularyIsTheSpecsRequestMemberNames() throws {
        let spec = try OpenAPISpec.load()
        var names = Set<String>()
        var seen = Set<String>()
        func walk(_ value: JSONValue) {
            if case .string(let ref)? = value.objectValue?["$ref"] {
                guard seen.insert(ref).inserted else { return }
                return walk(spec.resolve(value))
            }
            if let properties = value.objectValue?["properties"]?.objectValue { names.formUnion(properties.keys) }
            for (_, v) in value.objectValue?.members ?? [] { walk(v) }
            for v in value.arrayValue ?? [] { walk(v) }
        }
        for (_, item) in spec.document["paths"]?.objectValue?.members ?? [] {
            for (_, operation) in item.objectValue?.members ?? [] {
                let id = operation.objectValue?["operationId"]?.stringValue
                if id == "putPolicy" || id == "validatePolicy" { continue }
                if let body = operation.objectValue?["requestBody"] { walk(body) }
            }
        }
        #expect(names == JSONObjectReader.vocabulary, "\(names.symmetricDifference(JSONObjectReader.vocabulary).sorted())")
    }

    /// One call: the concrete URI, the spec's path template, who calls, and what it sends.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var uri: String
        var template: String
        var role: String?
        var json: JSONValue? = nil
        var raw: String? = nil
        var contentType = "application/json"
        var expect: Int
    }

    static let tourToken = "tok_contracttourcontracttourab"

    static let emergency: JSONValue = {
        var body = Sample.disclosure(provider: "urgences-nord", purpose: "emergency-care").objectValue!
        body["exception"] = ["basis": "medical-emergency", "justification": "Unconscious at admission.", "facts": "ER."]
        return .object(body)
    }()

    static let grant: JSONValue = [
        "provider": "facturo", "purposes": ["billing"], "categories": ["health.diagnosis"], "granted_at": "2026-05-01T00:00:00Z",
        "expires_at": "2027-05-01T00:00:00Z", "method": "written", "evidence": ["digest": "sha256:ab", "reference": "r"],
        "notice_version": "1",
    ]

    static let tour: [Call] = [
        Call(method: .get, uri: "/health", template: "/health", role: nil, expect: 200),
        Call(method: .get, uri: "/ready", template: "/ready", role: nil, expect: 200),
        Call(method: .get, uri: "/v1/policy", template: "/v1/policy", role: "admin", expect: 200),
        Call(method: .get, uri: "/v1/policy", template: "/v1/policy", role: nil, expect: 401),
        Call(method: .get, uri: "/v1/policy", template: "/v1/policy", role: "auditor", expect: 403),
        Call(
            method: .put, uri: "/v1/policy", template: "/v1/policy", role: "admin", raw: DemoPolicy.source,
            contentType: "application/yaml", expect: 200),
        Call(
            method: .put, uri: "/v1/policy", template: "/v1/policy", role: "admin", raw: "version: 1",
            contentType: "application/yaml", expect: 422),
        Call(
            method: .put, uri: "/v1/policy", template: "/v1/policy", role: "admin", raw: "x", contentType: "image/png",
            expect: 415),
        Call(
            method: .post, uri: "/v1/policy/validate", template: "/v1/policy/validate", role: "admin", raw: DemoPolicy.source,
            contentType: "application/yaml", expect: 200),
        Call(
            method: .post, uri: "/v1/policy/validate", template: "/v1/policy/validate", role: "admin", raw: "[",
            contentType: "application/yaml", expect: 200),
        Call(
            method: .post, uri: "/v1/policy/replay?last=5", template: "/v1/policy/replay", role: "admin", raw: DemoPolicy.source,
            contentType: "application/yaml", expect: 200),
        Call(
            method: .post, uri: "/v1/policy/replay?last=0", template: "/v1/policy/replay", role: "admin", raw: DemoPolicy.source,
            contentType: "application/yaml", expect: 400),
        Call(
            method: .post, uri: "/v1/policy/replay", template: "/v1/policy/replay", role: "admin", raw: "version: 1",
            contentType: "application/yaml", expect: 422),
        Call(
            method: .post, uri: "/v1/policy/replay", template: "/v1/policy/replay", role: "auditor", raw: DemoPolicy.source,
            contentType: "application/yaml", expect: 403),
        Call(method: .get, uri: "/v1/providers", template: "/v1/providers", role: "admin", expect: 200),
        Call(
            method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin",
            json: ["kind": "service-provider"], expect: 201),
        Call(
            // With a recall webhook, so that `recall_webhook` is held to the spec too.
            method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin",
            json: [
                "kind": "service-provider",
                "recall_webhook": ["url": "https://lab.example/discreet/recalls", "secret": "lab-recalls"],
            ], expect: 200),
        Call(
            method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin",
            json: ["kind": "service-provider", "recall_webhook": ["url": "ftp://lab.example", "secret": "lab-recalls"]],
            expect: 422),
        Call(
            // The demo has no gateway route: a recall webhook through one names an unknown route.
            method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin",
            json: ["kind": "service-provider", "recall_webhook": ["route": "lab-api", "path": "/recalls"]], expect: 422),
        Call(
            method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin", json: ["kind": 1], expect: 422),
        Call(method: .put, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin", raw: "{", expect: 400),
        Call(method: .get, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin", expect: 200),
        Call(method: .get, uri: "/v1/providers/recouvra", template: "/v1/providers/{id}", role: "provider:recouvra", expect: 200),
        Call(method: .get, uri: "/v1/providers/none", template: "/v1/providers/{id}", role: "admin", expect: 404),
        Call(method: .post, uri: "/v1/providers/lab/suspend", template: "/v1/providers/{id}/suspend", role: "admin", expect: 200),
        Call(method: .post, uri: "/v1/providers/lab/resume", template: "/v1/providers/{id}/resume", role: "admin", expect: 200),
        Call(method: .post, uri: "/v1/providers/none/resume", template: "/v1/providers/{id}/resume", role: "admin", expect: 404),
        Call(method: .delete, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin", expect: 204),
        Call(method: .delete, uri: "/v1/providers/lab", template: "/v1/providers/{id}", role: "admin", expect: 404),
        Call(
            method: .put, uri: "/v1/subjects/p-1", template: "/v1/subjects/{id}", role: "consent-manager",
            json: ["tags": [], "restrictions": [["purpose": "research"]]], expect: 201),
        Call(
            method: .put, uri: "/v1/subjects/p-1", template: "/v1/subjects/{id}", role: "consent-manager", json: ["tags": 1],
            expect: 422),
        Call(method: .get, uri: "/v1/subjects/p-1", template: "/v1/subjects/{id}", role: "consent-manager", expect: 200),
        Call(method: .get, uri: "/v1/subjects/p-0", template: "/v1/subjects/{id}", role: "consent-manager", expect: 404),
        Call(
            method: .post, uri: "/v1/subjects/p-1/consents", template: "/v1/subjects/{id}/consents", role: "consent-manager",
            json: grant, expect: 201),
        Call(
            method: .post, uri: "/v1/subjects/p-1/consents", template: "/v1/subjects/{id}/consents", role: "consent-manager",
            json: ["provider": "facturo"], expect: 422),
        Call(
            method: .get, uri: "/v1/subjects/p-1/consents", template: "/v1/subjects/{id}/consents", role: "consent-manager",
            expect: 200),
        Call(
            method: .post, uri: "/v1/subjects/p-1/consents/none/withdraw", template: "/v1/subjects/{id}/consents/{cid}/withdraw",
            role: "consent-manager", expect: 404),
        Call(
            // With a scrubbed note and a tokenized account, so that `scrubbed` and `token` are held to the spec too.
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "discloser",
            json: ScrubDisclosureTests.disclosure(account: "FR76 3000 6000 0112 3456 7890 189"),
            expect: 200),
        Call(method: .get, uri: "/v1/tokens/\(tourToken)", template: "/v1/tokens/{token}", role: "auditor", expect: 200),
        Call(
            // Under a legal exception the demo cites, so that `citations` is held to the spec too.
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "exception-officer",
            json: OpenAPIContractTests.emergency, expect: 200),
        Call(
            method: .post, uri: "/v1/trace", template: "/v1/trace", role: "auditor",
            raw: "name,account\nZelda,\(tourToken)\n", contentType: "text/csv", expect: 200),
        Call(
            method: .post, uri: "/v1/trace", template: "/v1/trace", role: "auditor", raw: "x", contentType: "image/png",
            expect: 415),
        Call(
            method: .post, uri: "/v1/trace", template: "/v1/trace", role: "discloser", raw: "x", contentType: "text/csv",
            expect: 403),
        Call(
            method: .get, uri: "/v1/tokens/tok_aaaaaaaaaaaaaaaaaaaaaaaaaa", template: "/v1/tokens/{token}", role: "auditor",
            expect: 404),
        Call(
            method: .get, uri: "/v1/tokens/\(tourToken)", template: "/v1/tokens/{token}", role: "provider:recouvra", expect: 403),
        Call(
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "discloser",
            json: Sample.disclosure(purpose: "golf"), expect: 422),
        Call(
            // A line disclosed, a line refused: both shapes of an answer line are held to the spec.
            method: .post, uri: "/v1/disclosures/batch", template: "/v1/disclosures/batch", role: "discloser",
            raw: JSONWriter.string(Sample.disclosure()) + "\n" + JSONWriter.string(Sample.disclosure(purpose: "golf")) + "\n",
            contentType: "application/x-ndjson", expect: 200),
        Call(
            method: .post, uri: "/v1/disclosures/batch", template: "/v1/disclosures/batch", role: "discloser",
            json: Sample.disclosure(), expect: 415),
        // CSV in: the released columns, the decision report, a header that does not fit, an unknown report.
        Call(
            method: .post, uri: "/v1/disclosures/batch?provider=recouvra&purpose=debt-collection&record_type=patient",
            template: "/v1/disclosures/batch", role: "discloser", raw: "subject,name,diagnosis\np-1,Zelda,F33.2\n,A,B\n",
            contentType: "text/csv", expect: 200),
        Call(
            method: .post,
            uri: "/v1/disclosures/batch?provider=recouvra&purpose=debt-collection&record_type=patient&report=csv",
            template: "/v1/disclosures/batch", role: "discloser", raw: "subject,name,diagnosis\np-1,Zelda,F33.2\n,A,B\n",
            contentType: "text/csv", expect: 200),
        Call(
            method: .post, uri: "/v1/disclosures/batch?provider=recouvra&purpose=debt-collection&record_type=patient",
            template: "/v1/disclosures/batch", role: "discloser", raw: "subject,colour\np-1,red\n", contentType: "text/csv",
            expect: 422),
        Call(
            method: .post, uri: "/v1/disclosures/batch?report=xml", template: "/v1/disclosures/batch", role: "discloser",
            raw: "{}\n", contentType: "application/x-ndjson", expect: 400),
        Call(
            method: .post, uri: "/v1/disclosures/batch", template: "/v1/disclosures/batch", role: "auditor",
            raw: "{}\n", contentType: "application/x-ndjson", expect: 403),
        Call(method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "discloser", raw: "{]", expect: 400),
        Call(
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "admin", json: Sample.disclosure(),
            expect: 403),
        Call(
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "discloser", raw: "a",
            contentType: "text/csv", expect: 415),
        Call(
            method: .post, uri: "/v1/decisions", template: "/v1/decisions", role: "discloser",
            json: [
                "provider": "recouvra", "purpose": "billing", "subject": "p-1", "record_type": "patient",
                "fields": ["name", "x"],
            ], expect: 200),
        Call(
            method: .post, uri: "/v1/decisions", template: "/v1/decisions", role: "discloser", json: ["provider": "recouvra"],
            expect: 422),
        // A disclosure on the consent `cns-tour` (made ahead), then its withdrawal opens a recall,
        // which the accounting below marks; `rcl-tour` (made ahead) is read and acknowledged.
        Call(
            method: .post, uri: "/v1/disclosures", template: "/v1/disclosures", role: "discloser",
            json: Sample.disclosure(provider: "facturo", purpose: "billing"), expect: 200),
        Call(
            method: .post, uri: "/v1/subjects/p-1/consents/cns-tour/withdraw",
            template: "/v1/subjects/{id}/consents/{cid}/withdraw", role: "consent-manager", expect: 200),
        Call(
            method: .post, uri: "/v1/subjects/p-1/erasure", template: "/v1/subjects/{id}/erasure", role: "consent-manager",
            expect: 200),
        Call(
            method: .post, uri: "/v1/subjects/p-1/erasure", template: "/v1/subjects/{id}/erasure", role: "auditor",
            expect: 403),
        Call(method: .get, uri: "/v1/recalls?status=open", template: "/v1/recalls", role: "admin", expect: 200),
        Call(method: .get, uri: "/v1/recalls", template: "/v1/recalls", role: "provider:facturo", expect: 200),
        Call(method: .get, uri: "/v1/recalls?status=closed", template: "/v1/recalls", role: "auditor", expect: 400),
        Call(method: .get, uri: "/v1/recalls", template: "/v1/recalls", role: "discloser", expect: 403),
        Call(method: .get, uri: "/v1/recalls/rcl-tour", template: "/v1/recalls/{id}", role: "auditor", expect: 200),
        Call(method: .get, uri: "/v1/recalls/rcl-tour", template: "/v1/recalls/{id}", role: "provider:facturo", expect: 200),
        Call(method: .get, uri: "/v1/recalls/rcl-tour", template: "/v1/recalls/{id}", role: "provider:recouvra", expect: 403),
        Call(method: .get, uri: "/v1/recalls/rcl-none", template: "/v1/recalls/{id}", role: "auditor", expect: 404),
        Call(
            method: .post, uri: "/v1/recalls/rcl-tour/acknowledge", template: "/v1/recalls/{id}/acknowledge",
            role: "provider:recouvra", expect: 403),
        Call(
            method: .post, uri: "/v1/recalls/rcl-none/acknowledge", template: "/v1/recalls/{id}/acknowledge",
            role: "provider:facturo", expect: 404),
        Call(
            method: .post, uri: "/v1/recalls/rcl-tour/acknowledge", template: "/v1/recalls/{id}/acknowledge",
            role: "provider:facturo", expect: 200),
        Call(
            method: .get, uri: "/v1/subjects/p-1/disclosures", template: "/v1/subjects/{id}/disclosures", role: "auditor",
            expect: 200),
        Call(
            method: .get, uri: "/v1/subjects/nobody/disclosures", template: "/v1/subjects/{id}/disclosures", role: "auditor",
            expect: 200),
        Call(method: .get, uri: "/.well-known/discreet-keys", template: "/.well-known/discreet-keys", role: nil, expect: 200),
        Call(method: .get, uri: "/v1/ledger/checkpoint", template: "/v1/ledger/checkpoint", role: "auditor", expect: 200),
        Call(method: .get, uri: "/v1/ledger/checkpoint", template: "/v1/ledger/checkpoint", role: "discloser", expect: 403),
        Call(method: .get, uri: "/v1/ledger/entries/0", template: "/v1/ledger/entries/{index}", role: "auditor", expect: 200),
        Call(method: .get, uri: "/checkpoint", template: "/checkpoint", role: nil, expect: 200),
        Call(method: .get, uri: "/tile/0/000.p/1", template: "/tile/{path}", role: nil, expect: 200),
        Call(method: .get, uri: "/tile/0/000.p/200", template: "/tile/{path}", role: nil, expect: 404),
        Call(method: .get, uri: "/tile/0/000", template: "/tile/{path}", role: nil, expect: 404),
        Call(
            method: .get, uri: "/tile/entries/000.p/1", template: "/tile/entries/{path}", role: "auditor",
            expect: 200),
        Call(
            method: .get, uri: "/tile/entries/000.p/1", template: "/tile/entries/{path}", role: "discloser",
            expect: 403),
        Call(method: .get, uri: "/tile/entries/000", template: "/tile/entries/{path}", role: "auditor", expect: 404),
        Call(method: .get, uri: "/tile/entries/000", template: "/tile/entries/{path}", role: nil, expect: 401),
        Call(
            method: .get, uri: "/v1/ledger/entries/0?format=bundle", template: "/v1/ledger/entries/{index}", role: "auditor",
            expect: 200),
        Call(
            method: .get, uri: "/v1/ledger/entries/0?format=pdf", template: "/v1/ledger/entries/{index}", role: "auditor",
            expect: 400),
        Call(
            method: .get, uri: "/v1/subjects/p-1/disclosures?format=bundle", template: "/v1/subjects/{id}/disclosures",
            role: "auditor", expect: 200),
        Call(method: .get, uri: "/v1/ledger/entries/99", template: "/v1/ledger/entries/{index}", role: "auditor", expect: 404),
        Call(method: .get, uri: "/v1/ledger/entries/-1", template: "/v1/ledger/entries/{index}", role: "auditor", expect: 400),
        Call(
            method: .post, uri: "/v1/ledger/entries/0/match", template: "/v1/ledger/entries/{index}/match", role: "auditor",
            json: ["name": "x"], expect: 200),
        Call(
            method: .post, uri: "/v1/ledger/entries/0/match", template: "/v1/ledger/entries/{index}/match", role: "auditor",
            json: [1], expect: 422),
        Call(
            method: .get, uri: "/v1/ledger/proof/inclusion?index=0", template: "/v1/ledger/proof/inclusion", role: "auditor",
            expect: 200),
        Call(
            method: .get, uri: "/v1/ledger/proof/inclusion?index=0&size=99", template: "/v1/ledger/proof/inclusion",
            role: "auditor",
            expect: 400),
        Call(
            method: .get, uri: "/v1/ledger/proof/inclusion?index=x", template: "/v1/ledger/proof/inclusion", role: "auditor",
            expect: 400),
        Call(
            method: .get, uri: "/v1/ledger/proof/consistency?from=1", template: "/v1/ledger/proof/consistency", role: "auditor",
            expect: 200),
        Call(
            method: .get, uri: "/v1/ledger/proof/consistency?from=0", template: "/v1/ledger/proof/consistency", role: "auditor",
            expect: 400),
        Call(method: .get, uri: "/v1/exceptions?status=pending", template: "/v1/exceptions", role: "auditor", expect: 200),
        Call(method: .get, uri: "/v1/exceptions?status=maybe", template: "/v1/exceptions", role: "auditor", expect: 400),
        Call(method: .get, uri: "/v1/exceptions/nope", template: "/v1/exceptions/{id}", role: "auditor", expect: 404),
        Call(
            method: .post, uri: "/v1/exceptions/nope/review", template: "/v1/exceptions/{id}/review", role: "auditor",
            json: ["reviewer": "R. Auditor", "verdict": "upheld", "comment": "Proportionate."], expect: 404),
        Call(
            method: .post, uri: "/v1/exceptions/nope/review", template: "/v1/exceptions/{id}/review", role: "auditor",
            json: ["verdict": "maybe"], expect: 422),
        Call(
            method: .post, uri: "/v1/consents/import?mode=partial", template: "/v1/consents/import", role: "consent-manager",
            raw: ConsentImportTests.line("p-60") + "\n{}\n", contentType: "application/x-ndjson", expect: 200),
        Call(
            method: .post, uri: "/v1/consents/import", template: "/v1/consents/import", role: "consent-manager",
            raw: "{}\n", contentType: "application/x-ndjson", expect: 422),
        // The gateway's envelope (the demo bundle has no routes; GatewayEgressTests and
        // GatewayPullTests check forwarded answers and upstream failures against the spec).
        Call(
            method: .post, uri: "/gateway/none/v1/x", template: "/gateway/{route}/{path}", role: "discloser", json: [:],
            expect: 404),
        Call(method: .put, uri: "/gateway/none/x", template: "/gateway/{route}/{path}", role: "auditor", json: [:], expect: 403),
        Call(method: .patch, uri: "/gateway/none/x", template: "/gateway/{route}/{path}", role: nil, json: [:], expect: 401),
        Call(method: .get, uri: "/pull/none/x", template: "/pull/{route}/{path}", role: "provider:recouvra", expect: 404),
        Call(method: .get, uri: "/pull/none/x", template: "/pull/{route}/{path}", role: "discloser", expect: 403),
    ]

    @Test func everyAnswerOfATourMatchesTheSpec() async throws {
        let spec = try OpenAPISpec.load()
        let h = try await Harness()
        // A token the tour can resolve: issued ahead, as a first disclosure would (the disclosure
        // below then releases it, so `token` in a decision is held to the spec too).
        _ = try await h.store.issueTokens(
            providerID: "recouvra", subjectID: "p-1", candidates: ["account_number": Self.tourToken], at: h.clock.now)
        try await Self.prepareRecalls(h)
        let seen = Mutex<Set<String>>([])
        let answers = Mutex<[String]>([])
        try await h.test { client in
            for call in Self.tour {
                let r = try await client.call(
                    call.method, call.uri, as: call.role, h, json: call.json, raw: call.raw, contentType: call.contentType)
                #expect(Int(r.status.code) == call.expect, "\(call.method) \(call.uri): \(r.body)")
                let problems = spec.check(
                    method: call.method.rawValue, path: call.template, status: Int(r.status.code),
                    contentType: r.headers[.contentType], body: r.body)
                #expect(problems.isEmpty, "\(problems)")
                seen.withLock { _ = $0.insert("\(call.method.rawValue) \(call.template)") }
                answers.withLock {
                    $0.append(
                        JSONWriter.string([
                            "method": .string(call.method.rawValue), "path": .string(call.template),
                            "status": .number(String(r.status.code)),
                            "content_type": r.headers[.contentType].map(JSONValue.string) ?? .null, "body": r.body,
                        ]))
                }
            }
        }
        #expect(
            seen.withLock { $0 } == spec.operations,
            "the tour misses \(spec.operations.subtracting(seen.withLock { $0 }).sorted())")
        // The same answers, for a real JSON Schema 2020-12 validator (scripts/check-contract-answers,
        // which CI runs): this file's checker knows only part of JSON Schema.
        if let path = ProcessInfo.processInfo.environment["DISCREET_CONTRACT_ANSWERS"] {
            try (answers.withLock { $0 }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// The consent `cns-tour` the tour's facturo disclosure rests on and then withdraws, and a
    /// recall `rcl-tour` of another subject's withdrawal, opened ahead so the tour knows its id.
    static func prepareRecalls(_ h: Harness) async throws {
        let now = h.clock.now
        func consent(_ id: String, subject: String) -> Consent {
            Consent(
                id: id, subject: subject, provider: "facturo", purposes: ["billing"],
                categories: [CategoryPattern("health.substance_use")], grantedAt: now.addingTimeInterval(-86_400),
                expiresAt: now.addingTimeInterval(86_400 * 300), method: "written", evidenceDigest: "sha256:ab",
                evidenceReference: "r", noticeVersion: "1")
        }
        try await h.store.insertConsent(consent("cns-tour", subject: "p-1"))
        try await h.store.insertConsent(consent("cns-tour-2", subject: "p-2"))
        var withdrawal = consent("cns-tour-2", subject: "p-2")
        withdrawal.withdrawnAt = now
        _ = try await h.store.withdraw(withdrawal) { _, _ in
            [
                Recall(
                    id: "rcl-tour", subjectID: "p-2", providerID: "facturo", cause: .consentWithdrawn, consentID: "cns-tour-2",
                    openedAt: now,
                    disclosures: [
                        RecalledDisclosure(
                            ledgerIndex: 0, disclosureID: "dsc-tour", time: now, purpose: "billing",
                            categories: ["health.substance_use"], tokens: ["account_number": "tok_x"])
                    ])
            ]
        }
    }
}
