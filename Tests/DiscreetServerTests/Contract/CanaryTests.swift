import DiscreetJSON
import DiscreetServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Nothing a caller sends comes back in an error, nor reaches a log (issue 27): a person's name sent
/// through every input member of every operation in openapi.yaml, one member at a time (each path
/// parameter, each query parameter, each leaf of a JSON body, each NDJSON line's leaves, each CSV
/// column), and every answer and log line searched for it.
///
/// An error body is logged by the calling application, its proxies and its error tracker: a value
/// that reaches it has left. A success may hold what was stored (a subject's id, a consent's
/// evidence reference); its messages (`detail`, `message`, `errors`, `issues`) may not. A policy
/// bundle's text is not mutated: it is the administrator's configuration, not a person's data, and
/// its issues are located by path and line.
@Suite struct CanaryTests {
    /// A name as a shifted CSV column would carry it.
    static let canary = "Marguerite Quillebeuf"
    static let marks = ["Quillebeuf", "Marguerite", "Quillebeuf".lowercased()]

    typealias Call = OpenAPIContractTests.Call

    /// Each way to put the canary into one input member of `call`.
    static func mutations(_ call: Call) -> [Call] {
        var out: [Call] = []
        let parts = call.uri.split(separator: "?", maxSplits: 1).map(String.init)
        let segments = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let template = call.template.split(separator: "/", omittingEmptySubsequences: false)
        let encoded = canary.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        for (i, t) in template.enumerated() where t.hasPrefix("{") && i < segments.count {
            var s = segments
            s[i] = encoded
            var c = call
            c.uri = s.joined(separator: "/") + (parts.count > 1 ? "?" + parts[1] : "")
            out.append(c)
        }
        if parts.count > 1 {
            let pairs = parts[1].split(separator: "&").map(String.init)
            for (i, pair) in pairs.enumerated() {
                var p = pairs
                p[i] = String(pair.split(separator: "=")[0]) + "=" + encoded
                var c = call
                c.uri = parts[0] + "?" + p.joined(separator: "&")
                out.append(c)
            }
        }
        if let json = call.json {
            for variant in leafVariants(json) {
                var c = call
                c.json = variant
                out.append(c)
            }
        }
        if let raw = call.raw, call.contentType == "application/x-ndjson" {
            let lines = raw.split(separator: "\n").map(String.init)
            for (i, line) in lines.enumerated() {
                guard let value = try? JSONParser.parse(Array(line.utf8)) else { continue }
                for variant in leafVariants(value) {
                    var l = lines
                    l[i] = JSONWriter.string(variant)
                    var c = call
                    c.raw = l.joined(separator: "\n") + "\n"
                    out.append(c)
                }
            }
        }
        return out
    }

    /// The value with one leaf (a string, number, boolean or null, or an empty container) replaced
    /// by the canary, for each leaf in turn.
    static func leafVariants(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let o) where !o.members.isEmpty:
            return o.members.flatMap { member in
                leafVariants(member.value).map { v in
                    var copy = o
                    copy[member.key] = v
                    return JSONValue.object(copy)
                }
            }
        case .array(let a) where !a.isEmpty:
            return a.indices.flatMap { i in
                leafVariants(a[i]).map { v in
                    var copy = a
                    copy[i] = v
                    return JSONValue.array(copy)
                }
            }
        default:
            return [.string(canary)]
        }
    }

    /// The CSV import, with the canary in each column of a valid line, in both modes.
    static var csvCalls: [Call] {
        let header =
            "subject,provider,purposes,categories,granted_at,expires_at,method,evidence_digest,evidence_reference,notice_version"
        let line = [
            "p-70", "facturo", "billing", "health.diagnosis", "2026-01-01", "2027-01-01", "written", "sha256:aa", "box 3",
            "2025-12",
        ]
        return line.indices.flatMap { i -> [Call] in
            var l = line
            l[i] = canary
            return ["", "?mode=partial"].map { query in
                Call(
                    method: .post, uri: "/v1/consents/import" + query, template: "/v1/consents/import", role: "consent-manager",
                    raw: header + "\n" + l.joined(separator: ",") + "\n", contentType: "text/csv", expect: 0)
            }
        }
    }

    /// The JSON import, as one document.
    static var jsonImportCalls: [Call] {
        let line = try! JSONParser.parse(Array(ConsentImportTests.line("p-71").utf8))
        return ["", "?mode=partial"].flatMap { query in
            mutations(
                Call(
                    method: .post, uri: "/v1/consents/import" + query, template: "/v1/consents/import", role: "consent-manager",
                    json: ["consents": [line]], expect: 0))
        }
    }

    /// The strings of an answer that describe a problem: where no stored value belongs.
    static func messages(_ value: JSONValue, under key: String? = nil) -> [String] {
        let describing: Set<String> = ["detail", "title", "message", "errors", "issues", "failures"]
        switch value {
        case .object(let o): return o.members.flatMap { messages($0.value, under: describing.contains($0.key) ? $0.key : key) }
        case .array(let a): return a.flatMap { messages($0, under: key) }
        case .string(let s): return key == nil ? [] : [s]
        default: return []
        }
    }

    /// The lists' and the accounting's query parameters, which the tour leaves at their defaults.
    static let queries: [Call] = [
        Call(
            method: .post, uri: "/v1/policy/replay?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
            template: "/v1/policy/replay", role: "admin", raw: DemoPolicy.source, contentType: "application/yaml", expect: 0),
        Call(method: .get, uri: "/v1/providers?limit=5&cursor=x", template: "/v1/providers", role: "admin", expect: 0),
        Call(
            method: .get, uri: "/v1/subjects/p-1/consents?limit=5&cursor=x", template: "/v1/subjects/{id}/consents",
            role: "consent-manager", expect: 0),
        Call(
            method: .get, uri: "/v1/exceptions?status=pending&limit=5&cursor=x", template: "/v1/exceptions", role: "auditor",
            expect: 0),
        Call(
            method: .get,
            uri: "/v1/subjects/p-1/disclosures?scope=all&from=2026-01-01&to=2027-01-01&format=json&limit=5&cursor=x",
            template: "/v1/subjects/{id}/disclosures", role: "auditor", expect: 0),
    ]

    /// A leaked file as JSON, so that each of its values in turn is the canary: a trace reports
    /// references and entries, never the file's contents.
    static let leakedFiles: [Call] = [
        Call(
            method: .post, uri: "/v1/trace", template: "/v1/trace", role: "auditor",
            json: ["rows": [["name": "Zelda", "account": .string(OpenAPIContractTests.tourToken)]]], expect: 0)
    ]

    /// The operations that take no input a person's value could travel in: no parameter, no body,
    /// or a policy bundle (see the suite's comment).
    static let withoutInput: Set<String> = [
        "GET /.well-known/discreet-keys", "GET /health", "GET /ready", "GET /v1/ledger/checkpoint", "GET /v1/policy",
        "PUT /v1/policy", "POST /v1/policy/validate", "GET /checkpoint",
    ]

    @Test func noAnswerAndNoLogLineQuotesWhatWasSent() async throws {
        let h = try await Harness()
        let sources = OpenAPIContractTests.tour + Self.queries + Self.leakedFiles
        // The tour's own calls first, so that the state each mutation meets is the tour's.
        let calls = OpenAPIContractTests.tour + sources.flatMap(Self.mutations) + Self.csvCalls + Self.jsonImportCalls
        let failures = Mutex<[String]>([])
        try await h.test { client in
            for call in calls {
                let r = try await client.call(
                    call.method, call.uri, as: call.role, h, json: call.json, raw: call.raw, contentType: call.contentType)
                let what = "\(call.method) \(call.uri) → \(r.status.code)"
                if r.status.code >= 500 { failures.withLock { $0.append("\(what): a server error") } }
                let text = r.status.code >= 400 ? JSONWriter.string(r.body) : Self.messages(r.body).joined(separator: "\n")
                let headers = r.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                if Self.marks.contains(where: { text.contains($0) || (r.status.code >= 400 && headers.contains($0)) }) {
                    failures.withLock { $0.append("\(what) quotes what was sent: \(text.prefix(400))") }
                }
            }
        }
        let found = failures.withLock { $0 }
        #expect(found.isEmpty, "\(found.count) answers:\n\(found.prefix(30).joined(separator: "\n"))")
        let leaked = h.logs.text.split(separator: "\n").filter { line in Self.marks.contains { line.contains($0) } }
        #expect(leaked.isEmpty, "log lines: \(leaked.prefix(10))")
        // Every operation of the spec had the canary in at least one input member, or takes none.
        let reached = Set(sources.filter { !Self.mutations($0).isEmpty }.map { "\($0.method.rawValue) \($0.template)" })
        let spec = try OpenAPISpec.load()
        #expect(
            spec.operations.subtracting(reached) == Self.withoutInput,
            "no canary: \(spec.operations.subtracting(reached).subtracting(Self.withoutInput).sorted())")
    }
}
