import DiscreetJSON
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Bad input gets a clear problem naming what to fix: never a crash, a 500, or a value echoed back.
@Suite struct BadInputTests {
    @Test(arguments: [
        (#"{"provider": "recouvra", "record": {"name": "Zelda Quixote-Marsh",}}"#, 400, "malformed-json"),
        (#"{"provider": "recouvra", "provider": "facturo"}"#, 400, "malformed-json"),
        (#"[1, 2, 3]"#, 422, "invalid-field"),
        (
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":"Zelda Quixote-Marsh"}"#,
            422, "invalid-field"
        ),
        (#"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient"}"#, 422, "invalid-field"),
        (
            #"{"provider":7,"purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{}}"#, 422,
            "invalid-field"
        ),
        (
            #"{"provider":"recouvra","purpose":"Zelda","subject":"p-1","record_type":"patient","record":{"name":"Zelda Quixote-Marsh"}}"#,
            422, "unknown-purpose"
        ),
        (
            #"{"provider":"recouvra","purpose":"billing","subject":"p-1","record_type":"Zelda","record":{"name":"Zelda Quixote-Marsh"}}"#,
            422, "unknown-record-type"
        ),
        ("\u{FEFF}{}", 400, "malformed-json"),
        ("", 400, "malformed-json"),
    ])
    func disclosureBodies(_ raw: String, _ status: Int, _ type: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, raw: raw)
            #expect(r.status.code == status)
            #expect(r.body["type"] == .string("urn:discreet:problem:\(type)"))
            #expect(r.headers[.contentType] == "application/problem+json")
            #expect(r.body["detail"]?.stringValue?.isEmpty == false)
            #expect(!JSONWriter.string(r.body).contains("Zelda"))
        }
        #expect(try await h.store.entryCount() == 0)
    }

    @Test func invalidUTF8IsMalformed() async throws {
        let h = try await Harness()
        try await h.test { client in
            let bytes: [UInt8] = Array(#"{"provider":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
            let r = try await client.execute(
                uri: "/v1/disclosures", method: .post,
                headers: [.authorization: "Bearer \(h.keys["discloser"]!)", .contentType: "application/json"],
                body: ByteBuffer(bytes: bytes)
            ) { $0.status }
            #expect(r == .badRequest)
        }
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        let h = try await Harness(maxBodyBytes: 4096)
        try await h.test { client in
            let big = #"{"record": {"name": ""# + String(repeating: "Z", count: 5000) + #""}}"#
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, raw: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.body["type"] == "urn:discreet:problem:body-too-large")
            let policy = try await client.call(.put, "/v1/policy", as: "admin", h, raw: big, contentType: "application/yaml")
            #expect(policy.status == .contentTooLarge)
        }
    }

    @Test func wrongContentTypeIsRefused() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h, raw: "a=b", contentType: "application/x-www-form-urlencoded")
            #expect(r.status == .unsupportedMediaType)
            #expect(r.body["type"] == "urn:discreet:problem:unsupported-media-type")
            let p = try await client.call(.put, "/v1/policy", as: "admin", h, raw: "x", contentType: "image/png")
            #expect(p.status == .unsupportedMediaType)
        }
    }

    @Test func unknownRoutesAndOverlongIds() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.get, "/v1/nothing-here", as: "admin", h)
            #expect(r.status == .notFound)
            #expect(r.body["type"] == "urn:discreet:problem:not-found")
            let long = String(repeating: "a", count: 201)
            let id = try await client.call(.get, "/v1/providers/\(long)", as: "admin", h)
            #expect(id.status == .badRequest)
            #expect(id.body["type"] == "urn:discreet:problem:invalid-id")
            let traversal = try await client.call(.get, "/v1/providers/..%2F..%2Fetc", as: "admin", h)
            #expect(traversal.status == .notFound)
        }
    }

    @Test func anUndeclaredMethodIs405WithAllow() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await client.call(.patch, "/v1/providers/recouvra", as: "admin", h, json: [:])
            #expect(r.status == .methodNotAllowed)
            #expect(r.headers[.allow] == "DELETE, GET, PUT")
            #expect(r.body["type"] == "urn:discreet:problem:method-not-allowed")
            #expect(try await client.call(.delete, "/health", as: nil, h).status == .methodNotAllowed)
            #expect(try await client.call(.get, "/v1/nowhere", as: "admin", h).status == .notFound)
        }
    }

    @Test func sqlMetacharactersAreJustCharacters() async throws {
        let h = try await Harness()
        try await h.test { client in
            let id = "x'; DROP TABLE disclosures; --"
            let encoded = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let put = try await client.call(.put, "/v1/subjects/\(encoded)", as: "consent-manager", h, json: ["tags": ["a'b"]])
            #expect(put.status == .created)
            #expect(put.body["id"] == .string(id))
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: id))
            #expect(r.status == .ok)
            let acc = try await client.call(.get, "/v1/subjects/\(encoded)/disclosures", as: "auditor", h)
            #expect(acc.body["disclosures"]?.arrayValue?.count == 1)
        }
    }
}
