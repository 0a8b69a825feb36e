import DiscreetJSON
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Hostile input gets a clear 4xx or a closed connection, and the service keeps serving.
@Suite struct HostileInputTests {
    @Test func aHundredMegabyteBodyIsRefusedWithoutBeingRead() async throws {
        let h = try await Harness(port: 0)
        try await h.app.test(.live) { client in
            let raw = try await RawConnection.open(port: try #require(client.port))
            let head =
                "POST /v1/disclosures HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(h.keys["discloser"]!)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"
            #expect(await raw.send(head))
            // The answer comes before the body ends; stop sending once it has.
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 20)
            var sent = 0
            while sent < 100, raw.isActive, raw.received.isEmpty, await raw.send(chunk) { sent += 1 }
            let text = await raw.receive(for: 5) { $0.contains("body-too-large") && $0.hasSuffix("}") }
            #expect(sent < 100, "the whole 100 MB was taken in")
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(80))")
            #expect(text.contains("urn:discreet:problem:body-too-large"))
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
        }
    }

    @Test func tenMegabytesAndDeepNestingAreRefused() async throws {
        let h = try await Harness()
        try await h.test { client in
            let big = "{\"record\": \"" + String(repeating: "Z", count: 10 << 20) + "\"}"
            #expect(try await client.call(.post, "/v1/disclosures", as: "discloser", h, raw: big).status == .contentTooLarge)
            let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, raw: #"{"record": "# + deep + "}")
            #expect(r.status == .badRequest)
            #expect(r.body["detail"]?.stringValue?.contains("nesting too deep") == true)
            let bomb =
                "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                + (1...9).map {
                    "a\($0): &a\($0) ["
                        + Array(repeating: "*a\($0 == 1 ? "" : String($0 - 1))", count: 10).joined(separator: ", ") + "]"
                }.joined(separator: "\n")
            let p = try await client.call(
                .put, "/v1/policy", as: "admin", h,
                raw: bomb + "\nversion: 1\nregimes: {}\ncategories: {}\nrecords: {r: {f: *a9}}\npurposes: {}\n",
                contentType: "application/yaml")
            #expect(p.status == .unprocessableContent)
            #expect(try await client.call(.get, "/health", as: nil, h).status == .ok)
        }
    }

    @Test func hugeArraysAreBounded() async throws {
        let h = try await Harness()
        try await h.test { client in
            // 20,001 mapped elements: more decisions than one request may carry.
            var mapped = Sample.disclosure().objectValue!
            mapped["record"] = ["treatments": .array(Array(repeating: ["code": "x"], count: 20_001))]
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(mapped))
            #expect(r.status == .unprocessableContent)
            #expect(r.body["type"] == "urn:discreet:problem:too-many-fields")
            // An unmapped array is one withheld field, however long.
            var unmapped = Sample.disclosure().objectValue!
            unmapped["record"] = ["noise": .array(Array(repeating: 1, count: 200_000))]
            let u = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(unmapped))
            #expect(u.status == .ok)
            #expect(u.body["decisions"]?.arrayValue?.count == 1)
            let fields = try await client.call(
                .post, "/v1/decisions", as: "discloser", h,
                json: [
                    "provider": "recouvra", "purpose": "billing", "subject": "p-1", "record_type": "patient",
                    "fields": .array(Array(repeating: "name", count: 10_001)),
                ])
            #expect(fields.body["type"] == "urn:discreet:problem:too-many-fields")
        }
        #expect(try await h.store.entryCount() == 1)
    }

    @Test func aHeaderFloodIsRefusedAndTheServiceGoesOn() async throws {
        let h = try await Harness(port: 0)
        try await h.app.test(.live) { client in
            let raw = try await RawConnection.open(port: try #require(client.port))
            var head = "GET /health HTTP/1.1\r\nHost: localhost\r\n"
            for i in 0..<3000 { head += "X-Flood-\(i): \(String(repeating: "a", count: 40))\r\n" }
            _ = await raw.send(head + "\r\n")
            let answer = await raw.receive(for: 3)
            // Refused: a 4xx, or the connection closed without an answer; never served.
            #expect(answer.hasPrefix("HTTP/1.1 4") || (answer.isEmpty && !raw.isActive), "\(answer.prefix(60))")
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
        }
    }

    @Test func fiveHundredSlowClientsDoNotStopOthers() async throws {
        let h = try await Harness(headerTimeoutSeconds: 1, port: 0)
        try await h.app.test(.live) { client in
            let port = try #require(client.port)
            var slow: [RawConnection] = []
            for _ in 0..<500 {
                let c = try await RawConnection.open(port: port)
                _ = await c.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                slow.append(c)
            }
            // Meanwhile, others are served.
            let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .ok)
            // And the slow ones are cut off by the header timeout.
            try await Task.sleep(for: .milliseconds(2500))
            let open = slow.filter(\.isActive).count
            #expect(open == 0, "\(open) slow connections still open")
            for c in slow { await c.close() }
        }
    }

    /// SQL metacharacters in every string field of every body: stored and answered as text, never
    /// run, never a 5xx, and the store stays whole.
    @Test func sqlMetacharactersInEveryStringFieldAreJustText() async throws {
        let h = try await Harness()
        let sql = "x'); DROP TABLE consents; --\"%"
        try await h.test { client in
            let provider = try await client.call(
                .put, "/v1/providers/acme", as: "admin", h,
                json: [
                    "kind": .string(sql),
                    "agreements": [
                        [
                            "id": .string(sql), "type": .string(sql), "purposes": ["billing"], "categories": ["*"],
                            "valid_from": "2026-01-01", "valid_until": "2027-01-01", "document_digest": .string(sql),
                        ]
                    ], "serves_competitors_of": [.string(sql)],
                ])
            #expect(provider.status == .created)
            #expect(provider.body["kind"] == .string(sql))
            let subject = try await client.call(
                .put, "/v1/subjects/p-1", as: "consent-manager", h,
                json: ["tags": [.string(sql)], "restrictions": [["provider": .string(sql), "purpose": .string(sql)]]])
            #expect(subject.status == .created)
            let consent = try await client.call(
                .post, "/v1/subjects/p-1/consents", as: "consent-manager", h,
                json: [
                    "provider": "facturo", "purposes": ["billing"], "categories": ["health.diagnosis"],
                    "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
                    "evidence": ["digest": .string(sql), "reference": .string(sql)], "notice_version": .string(sql),
                ])
            #expect(consent.status == .created)
            var body = Sample.disclosure(provider: sql, purpose: "billing", subject: sql).objectValue!
            body["tags"] = [.string(sql)]
            body["record"] = [.init(stringLiteral: sql): .string(sql), "name": .string(sql)]
            let disclosed = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: .object(body))
            #expect(disclosed.status == .ok)
            let review = try await client.call(
                .post, "/v1/exceptions/\(sql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/review",
                as: "auditor", h,
                json: ["reviewer": .string(sql), "verdict": "upheld", "comment": .string(sql)])
            #expect(review.status == .notFound)
            #expect(
                try await client.call(.get, "/v1/subjects/p-1/consents", as: "consent-manager", h).body["consents"]?.arrayValue?
                    .count == 1)
        }
        #expect(try await h.store.entryCount() == 1)
    }
}
