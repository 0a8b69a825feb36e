import DiscreetJSON
import DiscreetServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AdminAPITests {
    static let agreement: JSONValue = [
        "id": "a-1", "type": "BAA", "purposes": ["billing"], "categories": ["health.*", "identity.name"],
        "valid_from": "2026-01-01", "valid_until": "2027-01-01T00:00:00Z", "document_digest": "sha256:00ff",
    ]

    @Test func providersLifecycle() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body: JSONValue = ["kind": "service-provider", "agreements": [Self.agreement], "serves_competitors_of": ["p-7"]]
            let created = try await client.call(.put, "/v1/providers/medibill", as: "admin", h, json: body)
            #expect(created.status == .created)
            #expect(created.body["agreements"]?[0]?["valid_from"] == "2026-01-01T00:00:00Z")
            #expect(created.body["suspended"] == false)
            #expect(try await client.call(.put, "/v1/providers/medibill", as: "admin", h, json: body).status == .ok)
            let got = try await client.call(.get, "/v1/providers/medibill", as: "admin", h)
            #expect(got.body == created.body)
            let list = try await client.call(.get, "/v1/providers", as: "admin", h)
            #expect(list.body["providers"]?.arrayValue?.count == 4)
            // Suspension survives a replacement of the agreements.
            _ = try await client.call(.post, "/v1/providers/medibill/suspend", as: "admin", h)
            #expect(try await client.call(.put, "/v1/providers/medibill", as: "admin", h, json: body).body["suspended"] == true)
            #expect(try await client.call(.delete, "/v1/providers/medibill", as: "admin", h).status == .noContent)
            #expect(try await client.call(.get, "/v1/providers/medibill", as: "admin", h).status == .notFound)
            #expect(try await client.call(.delete, "/v1/providers/medibill", as: "admin", h).status == .notFound)
            #expect(try await client.call(.post, "/v1/providers/medibill/resume", as: "admin", h).status == .notFound)
        }
    }

    @Test(arguments: [
        // Not one of the API's names: named by position, never echoed.
        (["kind": "service-provider", "colour": "red"] as JSONValue, "/"),
        (["kind": "service-provider", "subject": "p-1"] as JSONValue, "/subject"),
        (["agreements": []] as JSONValue, "/kind"),
        (["kind": 3] as JSONValue, "/kind"),
        (["kind": "x", "agreements": [["type": "BAA"]]] as JSONValue, "/agreements/0/valid_from"),
        (
            [
                "kind": "x",
                "agreements": [
                    [
                        "type": "BAA", "purposes": ["billing"], "categories": ["Health"], "valid_from": "2026-01-01",
                        "valid_until": "2027-01-01",
                    ]
                ],
            ] as JSONValue, "/agreements/0/categories/0"
        ),
        (
            [
                "kind": "x",
                "agreements": [
                    [
                        "type": "BAA", "purposes": ["billing"], "categories": ["*"], "valid_from": "2027-01-01",
                        "valid_until": "2026-01-01",
                    ]
                ],
            ] as JSONValue, "/agreements/0/valid_until"
        ),
        (
            [
                "kind": "x",
                "agreements": [
                    [
                        "type": "BAA", "purposes": ["billing"], "categories": ["*"], "valid_from": "2026-13-01",
                        "valid_until": "2027-01-01",
                    ]
                ],
            ] as JSONValue, "/agreements/0/valid_from"
        ),
        (
            [
                "kind": "x",
                "agreements": [
                    ["type": "BAA", "purposes": [], "categories": ["*"], "valid_from": "2026-01-01", "valid_until": "2027-01-01"]
                ],
            ] as JSONValue, "/agreements/0/purposes"
        ),
        (["kind": "x", "agreements": [Self.agreement, Self.agreement]] as JSONValue, "/agreements/1/id"),
    ])
    func providerBodiesAreCheckedWithTheFieldNamed(_ body: JSONValue, _ field: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.put, "/v1/providers/x", as: "admin", h, json: body)
            #expect(r.status == .unprocessableContent)
            #expect(r.body["type"] == "urn:discreet:problem:invalid-field")
            #expect(r.body["field"] == .string(field))
            #expect(try await client.call(.get, "/v1/providers/x", as: "admin", h).status == .notFound)
        }
    }

    @Test func agreementsNameOnlyKnownPurposes() async throws {
        let h = try await Harness()
        var a = Self.agreement.objectValue!
        a["purposes"] = ["golf"]
        try await h.test { [a] client in
            let r = try await client.call(
                .put, "/v1/providers/x", as: "admin", h, json: ["kind": "x", "agreements": [.object(a)]])
            #expect(r.body["type"] == "urn:discreet:problem:unknown-purpose")
            #expect(r.body["field"] == "/agreements/0/purposes")
        }
    }

    @Test func subjectsTagsAndRestrictionsDriveDecisions() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body: JSONValue = ["tags": ["vip"], "restrictions": [["provider": "recouvra", "category": "contact.*"]]]
            #expect(try await client.call(.put, "/v1/subjects/p-5", as: "consent-manager", h, json: body).status == .created)
            #expect(
                try await client.call(.get, "/v1/subjects/p-5", as: "consent-manager", h).body["restrictions"] == [
                    ["provider": "recouvra", "category": "contact.*"]
                ])
            #expect(try await client.call(.get, "/v1/subjects/p-6", as: "consent-manager", h).status == .notFound)
            let bad = try await client.call(.put, "/v1/subjects/p-5", as: "consent-manager", h, json: ["restrictions": [[:]]])
            #expect(bad.body["field"] == "/restrictions/0")
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: "p-5"))
            let reasons = r.body["decisions"]!.arrayValue!.map { ($0["field"]!.stringValue!, $0["reason"]!.stringValue!) }
            #expect(reasons.first { $0.0 == "phone" }?.1 == "restricted")
            #expect(reasons.first { $0.0 == "name" }?.1 == "permitted")
        }
    }

    @Test func anInvalidPolicyChangesNothingAndSaysWhere() async throws {
        let h = try await Harness()
        try await h.test { client in
            let before = try await client.call(.get, "/v1/policy", as: "admin", h)
            #expect(before.body["revision"] == 1)
            let broken =
                "version: 2\nregimes:\n  personal: { consent: not-required }\ncategories:\n  identity.name: nowhere\nrecords: {}\npurposes: {}\n"
            let r = try await client.call(.put, "/v1/policy", as: "admin", h, raw: broken, contentType: "application/yaml")
            #expect(r.status == .unprocessableContent)
            #expect(r.body["type"] == "urn:discreet:problem:invalid-bundle")
            #expect(
                r.body["issues"] == [["path": "/categories/identity.name", "line": 5, "message": "unknown regime 'nowhere'"]])
            #expect(try await client.call(.get, "/v1/policy", as: "admin", h).body["revision"] == 1)
            let dry = try await client.call(
                .post, "/v1/policy/validate", as: "admin", h, raw: broken, contentType: "application/yaml")
            #expect(dry.body["valid"] == false)
            #expect(dry.body["issues"]?.arrayValue?.count == 1)
        }
    }

    /// `application/json` is the JSON form, held to JSON's types as openapi.yaml's PolicyBundle
    /// says; the same document as YAML may let a number stand for a label.
    @Test func theJSONFormIsHeldToJSONTypes() async throws {
        let h = try await Harness()
        let bundle = #"""
            {"version": 2, "regimes": {"personal": {"consent": "not-required"}},
             "categories": {"identity.name": "personal"}, "records": {"patient": {"name": "identity.name"}},
             "purposes": {"billing": {"identity.name": "release"}}}
            """#
        try await h.test { client in
            let json = try await client.call(.put, "/v1/policy", as: "admin", h, raw: bundle, contentType: "application/json")
            #expect(json.status == .unprocessableContent)
            #expect(
                json.body["issues"] == [
                    ["path": "/version", "line": 1, "message": "expected a version label as text, not a number"]
                ])
            let dry = try await client.call(
                .post, "/v1/policy/validate", as: "admin", h, raw: bundle, contentType: "application/json")
            #expect(dry.body["valid"] == false)
            #expect(try await client.call(.get, "/v1/policy", as: "admin", h).body["revision"] == 1)
            let yaml = try await client.call(.put, "/v1/policy", as: "admin", h, raw: bundle, contentType: "application/yaml")
            #expect(yaml.status == .ok)
            #expect(yaml.body["version"] == "2")
        }
    }

    @Test func aPolicyWhoseTestsFailIsRefused() async throws {
        let h = try await Harness()
        let failing = DemoPolicySource.text.replacingOccurrences(
            of: "expect: { name: restricted }", with: "expect: { name: released }")
        try await h.test { client in
            let dry = try await client.call(
                .post, "/v1/policy/validate", as: "admin", h, raw: failing, contentType: "application/yaml")
            #expect(dry.body["valid"] == false)
            let failed = dry.body["tests"]?.arrayValue?.filter { $0["passed"] == false }
            #expect(failed?.count == 1)
            #expect(failed?.first?["failures"] == ["name: expected released, got withheld (restricted)"])
            let r = try await client.call(.put, "/v1/policy", as: "admin", h, raw: failing, contentType: "application/yaml")
            #expect(r.body["type"] == "urn:discreet:problem:bundle-tests-failed")
            #expect(try await client.call(.get, "/v1/policy", as: "admin", h).body["revision"] == 1)
        }
    }

    @Test func aNewPolicyTakesEffectForTheNextRequest() async throws {
        let h = try await Harness()
        // The same bundle with debt collectors no longer allowed names.
        let stricter = DemoPolicySource.text
            .replacingOccurrences(of: "version: demo-2026.1", with: "version: demo-2026.2")
            .replacingOccurrences(
                of:
                    "debt-collection:                # payment: not in a HIPAA accounting (164.528)\n    accountable: false\n    categories:\n      identity.name: release\n",
                with: "debt-collection:\n    accountable: false\n    categories:\n"
            )
            .replacingOccurrences(
                of: "expect: { name: released, diagnosis: withheld,", with: "expect: { name: not-needed, diagnosis: withheld,"
            )
            .replacingOccurrences(of: "expect: { name: no-agreement }", with: "expect: { name: withheld }")
        try await h.test { client in
            let r = try await client.call(.put, "/v1/policy", as: "admin", h, raw: stricter, contentType: "application/yaml")
            #expect(r.status == .ok, "\(r.body)")
            #expect(r.body["revision"] == 2)
            #expect(r.body["version"] == "demo-2026.2")
            let d = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(d.body["released"]?["name"] == nil)
            let accounting = try await client.call(.get, "/v1/subjects/p-1/disclosures", as: "auditor", h)
            #expect(accounting.body["disclosures"]?[0]?["entry"]?["policy"]?["revision"] == 2)
        }
    }
}

enum DemoPolicySource {
    static let text = DemoPolicy.source
}
