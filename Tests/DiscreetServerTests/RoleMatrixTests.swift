import DiscreetJSON
import Hummingbird
import HummingbirdTesting
import Testing

/// Every role against every route family: allowed, refused with 403, and 401 without a valid key.
@Suite struct RoleMatrixTests {
    struct Family: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        var uri: String
        var body: JSONValue?
        var allowed: Set<String>
        var testDescription: String { name }
    }

    static let families: [Family] = [
        Family(name: "policy", method: .get, uri: "/v1/policy", allowed: ["admin"]),
        Family(name: "policy validate", method: .post, uri: "/v1/policy/validate", body: "x", allowed: ["admin"]),
        Family(name: "providers list", method: .get, uri: "/v1/providers", allowed: ["admin"]),
        Family(name: "provider suspend", method: .post, uri: "/v1/providers/nobody/suspend", allowed: ["admin"]),
        Family(
            name: "own provider record", method: .get, uri: "/v1/providers/recouvra", allowed: ["admin", "provider:recouvra"]),
        Family(
            name: "another provider's record", method: .get, uri: "/v1/providers/facturo",
            allowed: ["admin", "provider:facturo"]),
        Family(name: "subject profile", method: .get, uri: "/v1/subjects/p-1", allowed: ["consent-manager"]),
        Family(name: "consents", method: .get, uri: "/v1/subjects/p-1/consents", allowed: ["consent-manager"]),
        Family(
            name: "decisions", method: .post, uri: "/v1/decisions",
            body: [
                "provider": "recouvra", "purpose": "debt-collection", "subject": "p-1", "record_type": "patient",
                "fields": ["name"],
            ],
            allowed: ["discloser", "exception-officer"]),
        Family(
            name: "disclosures", method: .post, uri: "/v1/disclosures", body: Sample.disclosure(),
            allowed: ["discloser", "exception-officer"]),
        Family(name: "accounting", method: .get, uri: "/v1/subjects/p-1/disclosures", allowed: ["auditor"]),
        Family(name: "ledger proofs", method: .get, uri: "/v1/ledger/checkpoint", allowed: ["auditor"]),
        Family(name: "exception reviews", method: .get, uri: "/v1/exceptions", allowed: ["auditor"]),
    ]

    @Test(arguments: families)
    func everyRoleAgainst(_ family: Family) async throws {
        let h = try await Harness()
        try await h.test { client in
            for role in Harness.roles {
                let r = try await client.call(
                    family.method, family.uri, as: role, h, json: family.body,
                    contentType: family.body?.stringValue != nil ? "application/yaml" : "application/json")
                if family.allowed.contains(role) {
                    // Reached: answered by the route itself. A 5xx is a failure, never "allowed".
                    #expect(
                        [200, 201, 204, 404, 409, 422].contains(r.status.code),
                        "\(role) should reach \(family.name), got \(r.status.code)")
                } else {
                    #expect(r.status == .forbidden, "\(role) should be refused \(family.name)")
                    #expect(r.body["type"] == "urn:discreet:problem:forbidden")
                }
            }
            let anonymous = try await client.call(family.method, family.uri, as: nil, h, json: family.body)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            let forged = try await client.call(
                family.method, family.uri, as: nil, h, json: family.body,
                headers: [.authorization: "Bearer dsk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
            #expect(forged.status == .unauthorized)
            // A real key id with the wrong secret.
            let real = h.keys["admin"]!
            let wrongSecret = String(real.dropLast()) + (real.last == "A" ? "B" : "A")
            let tampered = try await client.call(
                family.method, family.uri, as: nil, h, json: family.body, headers: [.authorization: "Bearer \(wrongSecret)"])
            #expect(tampered.status == .unauthorized)
        }
    }

    @Test func healthAndReadinessNeedNoKey() async throws {
        let h = try await Harness()
        try await h.test { client in
            #expect(try await client.call(.get, "/health", as: nil, h).body == ["status": "ok"])
            let ready = try await client.call(.get, "/ready", as: nil, h)
            #expect(ready.status == .ok)
            #expect(ready.body["checks"] == ["store": true, "policy": true])
        }
    }

    @Test func aProviderKeyNeverReachesAdminOrConsentRoutes() async throws {
        let h = try await Harness()
        try await h.test { client in
            for (method, uri) in [
                (HTTPRequest.Method.put, "/v1/providers/recouvra"), (.post, "/v1/providers/recouvra/resume"),
                (.delete, "/v1/providers/recouvra"), (.put, "/v1/subjects/p-1"), (.post, "/v1/subjects/p-1/consents"),
                (.post, "/v1/subjects/p-1/consents/c/withdraw"), (.put, "/v1/policy"),
            ] {
                let r = try await client.call(method, uri, as: "provider:recouvra", h, json: [:])
                #expect(r.status == .forbidden, "\(method) \(uri)")
            }
        }
    }
}
