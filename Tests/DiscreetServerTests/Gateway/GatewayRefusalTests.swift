import CompressNIO
import DiscreetJSON
import DiscreetServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every way the gateway refuses a request, each with its status and problem type, and the
/// provider's API receiving nothing.
@Suite struct GatewayRefusalTests {
    static let claim = JSONWriter.encode(["subject": "p-1", "patient": ["name": "Ana Souza"]] as JSONValue)

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var b = ByteBuffer(bytes: bytes)
        return Array(try b.compress(with: .gzip()).readableBytesView)
    }

    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var b = ByteBuffer(bytes: bytes)
        return Array(try b.compress(with: .zlib()).readableBytesView)
    }

    /// The stream with its deflate blocks overwritten after the gzip header.
    static func corrupted(_ stream: [UInt8]) -> [UInt8] {
        var s = stream
        for i in 10..<min(s.count - 8, 20) { s[i] = 0xFF }
        return s
    }

    struct Case: Sendable {
        var name: String
        var method: HTTPRequest.Method = .post
        var uri = "/gateway/collect/v1/claims"
        var role: String? = "discloser"
        var body: [UInt8] = GatewayRefusalTests.claim
        var headers: HTTPFields = [:]
        var contentType: String? = "application/json"
        var status: HTTPResponse.Status
        var type: String
    }

    static func cases() throws -> [Case] {
        let encoding = HTTPField.Name.contentEncoding
        // 8 MiB of one byte: about 8 KiB once compressed, eight times the body limit inflated.
        let bomb = try gzip([UInt8](repeating: 0x20, count: 8 << 20))
        return [
            Case(name: "no key", role: nil, status: .unauthorized, type: "unauthorized"),
            Case(name: "an auditor", role: "auditor", status: .forbidden, type: "forbidden"),
            Case(name: "a provider", role: "provider:recouvra", status: .forbidden, type: "forbidden"),
            Case(name: "unknown route", uri: "/gateway/nope/v1/claims", status: .notFound, type: "unknown-route"),
            Case(name: "a pull route", uri: "/gateway/fetch/patients/p-1", status: .notFound, type: "unknown-route"),
            Case(name: "path off template", uri: "/gateway/collect/v1/other", status: .notFound, type: "path-not-matched"),
            Case(name: "extra segment", uri: "/gateway/collect/v1/claims/x", status: .notFound, type: "path-not-matched"),
            Case(
                name: "dot-dot parameter", method: .put, uri: "/gateway/collect-batch/v1/accounts/%2E%2E/claims",
                body: JSONWriter.encode(["items": [] as JSONValue]), status: .notFound, type: "path-not-matched"),
            Case(
                name: "encoded slash parameter", method: .put, uri: "/gateway/collect-batch/v1/accounts/a%2Fb/claims",
                body: JSONWriter.encode(["items": [] as JSONValue]), status: .notFound, type: "path-not-matched"),
            Case(name: "wrong method", method: .patch, status: .methodNotAllowed, type: "method-not-allowed"),
            Case(
                name: "a query", uri: "/gateway/collect/v1/claims?ssn=2840229123456", status: .badRequest,
                type: "query-not-forwarded"),
            Case(name: "not JSON", contentType: "text/plain", status: .unsupportedMediaType, type: "unsupported-media-type"),
            Case(name: "no content type", contentType: nil, status: .unsupportedMediaType, type: "unsupported-media-type"),
            Case(
                name: "brotli", headers: [encoding: "br"], status: .unsupportedMediaType, type: "unsupported-media-type"),
            Case(
                name: "stacked codings", body: try gzip(try gzip(claim)), headers: [encoding: "gzip, gzip"],
                status: .unsupportedMediaType, type: "unsupported-media-type"),
            Case(name: "a zip bomb", body: bomb, headers: [encoding: "gzip"], status: .contentTooLarge, type: "body-too-large"),
            Case(
                name: "too large", body: [UInt8](repeating: 0x20, count: (1 << 20) + 1), status: .contentTooLarge,
                type: "body-too-large"),
            Case(
                name: "corrupt gzip", body: corrupted(try gzip(claim)), headers: [encoding: "gzip"], status: .badRequest,
                type: "malformed-encoding"),
            Case(
                name: "not gzip at all", body: claim, headers: [encoding: "gzip"], status: .badRequest, type: "malformed-encoding"
            ),
            // CompressNIO does not insist on the stream's end: a cut stream inflates to cut JSON.
            Case(
                name: "truncated gzip", body: Array(try gzip(claim).dropLast(12)), headers: [encoding: "gzip"],
                status: .badRequest, type: "malformed-json"),
            Case(name: "empty gzip", body: [], headers: [encoding: "gzip"], status: .badRequest, type: "malformed-encoding"),
            Case(
                name: "duplicate keys", body: Array(#"{"subject":"p-1","subject":"p-2","patient":{}}"#.utf8),
                status: .badRequest, type: "malformed-json"),
            Case(
                name: "invalid UTF-8",
                body: Array(#"{"subject":"p-1","patient":{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
                status: .badRequest, type: "malformed-json"),
            Case(
                name: "no subject", body: JSONWriter.encode(["patient": ["name": "Ana Souza"]] as JSONValue),
                status: .unprocessableContent, type: "subject-missing"),
            Case(
                name: "subject not a string", body: JSONWriter.encode(["subject": ["p-1"], "patient": [:]] as JSONValue),
                status: .unprocessableContent, type: "subject-missing"),
            Case(
                name: "no header subject", uri: "/gateway/bill/invoices", body: JSONWriter.encode(["name": "Ana"] as JSONValue),
                status: .unprocessableContent, type: "subject-missing"),
            Case(
                name: "no record", body: JSONWriter.encode(["subject": "p-1", "person": ["name": "Ana"]] as JSONValue),
                status: .unprocessableContent, type: "record-not-found"),
            Case(
                name: "record not an object", body: JSONWriter.encode(["subject": "p-1", "patient": ["Ana"]] as JSONValue),
                status: .unprocessableContent, type: "record-not-found"),
            Case(
                name: "items not an array", method: .put, uri: "/gateway/collect-batch/v1/accounts/p-1/claims",
                body: JSONWriter.encode(["items": ["name": "Ana"]] as JSONValue), status: .unprocessableContent,
                type: "record-not-found"),
            Case(
                name: "an item not an object", method: .put, uri: "/gateway/collect-batch/v1/accounts/p-1/claims",
                body: JSONWriter.encode(["items": [["name": "Ana"], "Ana"]] as JSONValue), status: .unprocessableContent,
                type: "record-not-found"),
        ]
    }

    @Test func eachRefusalIsAProblemAndNothingIsSent() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        let cases = try Self.cases()
        try await f.run { client in
            for c in cases {
                let r = try await client.gateway(
                    c.method, c.uri, as: c.role, h, body: c.body, headers: c.headers, contentType: c.contentType)
                #expect(r.status == c.status, "\(c.name): \(String(decoding: r.body, as: UTF8.self))")
                #expect(r.body.json?["type"] == .string("urn:discreet:problem:" + c.type), "\(c.name)")
                #expect(r.headers[.contentType] == "application/problem+json", "\(c.name)")
                // Never a value that was sent.
                for value in ["Ana", "2840229123456", "p-2"] { #expect(!r.body.contains(value), "\(c.name)") }
            }
            #expect(f.recouvra.requests.isEmpty && f.facturo.requests.isEmpty)
            #expect(try await h.store.entryCount() == 0)
            let metrics = String(decoding: h.services.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains(#"discreet_gateway_requests_total{route="collect",result="refused"}"#))
            #expect(!metrics.contains(#"result="forwarded""#))
        }
    }

    @Test func gzipAndDeflateBodiesAreInflatedAndDecided() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            let record: JSONValue = ["subject": "p-1", "patient": ["name": "Ana Souza", "diagnosis": "F32.1"]]
            for (coding, body) in [
                ("gzip", try Self.gzip(JSONWriter.encode(record))), ("deflate", try Self.deflate(JSONWriter.encode(record))),
            ] {
                let r = try await client.gateway(
                    .post, "/gateway/collect/v1/claims", as: "discloser", h, body: body, headers: [.contentEncoding: coding])
                #expect(r.status == .created, "\(coding)")
                let received = try #require(f.recouvra.requests.last)
                #expect(received.json == ["patient": ["name": "Ana Souza"]], "\(coding)")
                #expect(received.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func aSuspendedProviderReceivesNothingAndTheAttemptIsRecorded() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            #expect(try await client.call(.post, "/v1/providers/recouvra/suspend", as: "admin", h).status == .ok)
            let r = try await client.gateway(.post, "/gateway/collect/v1/claims", as: "discloser", h, body: Self.claim)
            #expect(r.status == .forbidden)
            #expect(r.body.json?["type"] == "urn:discreet:problem:provider-suspended")
            #expect(f.recouvra.requests.isEmpty)
            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            #expect(entry.body["entry"]?["refused"] == "provider-suspended")
            #expect(entry.body["entry"]?["gateway"]?["route"] == "collect")
        }
    }

    @Test func aRouteWhoseCredentialIsMissingIsRefusedAtUpload() async throws {
        let h = try await Harness(port: 0)
        try await h.test { client in
            let source = GatewayFixture.bundle(
                recouvra: "http://127.0.0.1:9", facturo: "http://127.0.0.1:9", ehr: "http://127.0.0.1:9",
                slow: "http://127.0.0.1:9")
            let r = try await client.call(.put, "/v1/policy", as: "admin", h, raw: source, contentType: "application/yaml")
            #expect(r.status == .unprocessableContent)
            #expect(r.body["type"] == "urn:discreet:problem:invalid-bundle")
            let paths = r.body["issues"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
            #expect(paths?.contains("/gateway/routes/collect/upstream/auth") == true)
            #expect(paths?.contains("/gateway/routes/fetch/upstream/auth") == true)
            // Nothing was changed: the demo policy stays in force.
            #expect(h.services.policy.active?.engine.bundle.gateway.isEmpty == true)
        }
    }
}
