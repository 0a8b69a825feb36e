import DiscreetJSON
import HummingbirdTesting
import Testing

/// A consent is recorded only when whole and valid; every refusal names each problem.
@Suite struct ConsentValidityTests {
    static let grant: JSONObject = [
        "provider": "facturo", "purposes": ["billing"], "categories": ["health.diagnosis"],
        "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
        "evidence": ["digest": "sha256:ab", "reference": "scan-1"], "notice_version": "2026-01",
    ]

    static func with(_ changes: [(String, JSONValue?)]) -> JSONValue {
        var g = grant
        for (k, v) in changes { g[k] = v }
        return .object(g)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: JSONValue
        var field: String
        var testDescription: String { name }
    }

    static let refusals: [Case] = [
        Case(name: "no provider", body: with([("provider", nil)]), field: "/provider"),
        Case(name: "unknown provider", body: with([("provider", "nobody")]), field: "/provider"),
        Case(
            name: "any provider where a regime wants it named",
            body: with([("provider", "*"), ("categories", ["health.substance_use"])]), field: "/provider"),
        Case(name: "no purpose", body: with([("purposes", [])]), field: "/purposes"),
        Case(name: "unknown purpose", body: with([("purposes", ["golf"])]), field: "/purposes"),
        Case(name: "no category", body: with([("categories", [])]), field: "/categories"),
        Case(name: "unknown category", body: with([("categories", ["health.teeth"])]), field: "/categories/0"),
        Case(name: "wildcard over substance use", body: with([("categories", ["health.*"])]), field: "/categories/0"),
        Case(name: "wildcard over everything", body: with([("categories", ["*"])]), field: "/categories/0"),
        Case(name: "open-ended", body: with([("expires_at", nil)]), field: "/expires_at"),
        Case(
            name: "already expired",
            body: with([("granted_at", "2025-01-01T00:00:00Z"), ("expires_at", "2026-01-01T00:00:00Z")]), field: "/expires_at"),
        Case(name: "expiry before grant", body: with([("expires_at", "2026-04-01T00:00:00Z")]), field: "/expires_at"),
        Case(name: "no method", body: with([("method", nil)]), field: "/method"),
        Case(name: "unknown method", body: with([("method", "telepathy")]), field: "/method"),
        Case(name: "no evidence", body: with([("evidence", nil)]), field: "/evidence"),
        Case(name: "evidence without its reference", body: with([("evidence", ["digest": "x"])]), field: "/evidence/reference"),
        Case(name: "evidence without its digest", body: with([("evidence", ["reference": "x"])]), field: "/evidence/digest"),
        Case(name: "no notice version", body: with([("notice_version", nil)]), field: "/notice_version"),
        // Not one of the API's names: named by its position, since a name can be a value.
        Case(name: "an unknown member", body: with([("shoe_size", 44)]), field: "/"),
        // One of the API's names, in the wrong place: named.
        Case(name: "a misplaced member", body: with([("record_type", "patient")]), field: "/record_type"),
    ]

    @Test(arguments: refusals)
    func isRefused(_ c: Case) async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/subjects/p-1/consents", as: "consent-manager", h, json: c.body)
            #expect(r.status == .unprocessableContent)
            #expect(r.body["type"] == "urn:discreet:problem:invalid-consent")
            let fields = r.body["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(fields.contains(c.field), "\(fields)")
            #expect(try await client.call(.get, "/v1/subjects/p-1/consents", as: "consent-manager", h).body["consents"] == [])
        }
    }

    /// Problems of form and of policy come in one answer, not in rounds: a missing method, an
    /// unknown provider, an unknown purpose and a wildcard over substance use, all at once.
    @Test func problemsOfFormAndOfPolicyAreNamedInOneAnswer() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body = Self.with([
                ("method", nil), ("provider", "nobody"), ("purposes", ["golf"]), ("categories", ["health.*"]),
                ("expires_at", "2026-01-01T00:00:00Z"),
            ])
            let r = try await client.call(.post, "/v1/subjects/p-1/consents", as: "consent-manager", h, json: body)
            #expect(r.status == .unprocessableContent)
            let errors = r.body["errors"]?.arrayValue ?? []
            let fields = errors.compactMap { $0["field"]?.stringValue }
            #expect(Set(fields) == ["/method", "/provider", "/purposes", "/categories/0", "/expires_at"], "\(fields)")
            let messages = errors.compactMap { $0["message"]?.stringValue }
            // Named by member and by what the policy knows, never by what was sent (issue 27).
            #expect(messages.contains { $0.hasPrefix("not a purpose the policy knows. Known: billing, debt-collection") })
            #expect(!messages.contains { $0.contains("golf") || $0.contains("nobody") })
            #expect(messages.contains { $0.contains("needs its categories named one by one") })
        }
    }

    @Test func everyMissingPartIsNamedAtOnce() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/subjects/p-1/consents", as: "consent-manager", h, json: [:])
            let fields = Set(r.body["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(
                fields == [
                    "/provider", "/purposes", "/categories", "/granted_at", "/expires_at", "/method", "/evidence",
                    "/notice_version",
                ])
        }
    }

    @Test func validGrantsAreRecorded() async throws {
        let h = try await Harness()
        try await h.test { client in
            // Named categories under a named-recipient regime, and '*' where every regime allows it.
            for body in [
                Self.with([("categories", ["health.substance_use", "health.diagnosis"])]),
                Self.with([("provider", "*"), ("purposes", ["research"]), ("categories", ["health.diagnosis", "identity.*"])]),
            ] {
                let r = try await client.call(.post, "/v1/subjects/p-1/consents", as: "consent-manager", h, json: body)
                #expect(r.status == .created, "\(r.body)")
            }
        }
    }
}
