import DiscreetJSON
import DiscreetPolicy
import DiscreetServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The demo clinic with a gateway in front of its providers: the debt collector's API and the
/// billing service's API (egress), the clinic's internal records API (pull), and routes to an
/// address where nothing listens and to an upstream slower than its route allows.
struct GatewayFixture {
    static let recouvraToken = "rcv-token-9f8e7d6c5b4a"
    static let facturoKey = "fct-key-0a1b2c3d4e5f"
    static let ehrToken = "ehr-token-5566778899"

    static let secrets = UpstreamSecrets(
        directory: nil,
        environment: [
            UpstreamSecrets.variable(for: "recouvra-token"): recouvraToken,
            UpstreamSecrets.variable(for: "facturo-key"): facturoKey,
            UpstreamSecrets.variable(for: "ehr-token"): ehrToken,
        ])

    /// The demo bundle, its personal regime guarding competitors, with the gateway's routes.
    static func bundle(recouvra: String, facturo: String, ehr: String, slow: String, cut: String = "http://127.0.0.1:1")
        -> String
    {
        let demo = DemoPolicy.source.replacingOccurrences(
            of: "    consent: not-required\n", with: "    consent: not-required\n    guards-competitors: true\n")
        return demo + """

            gateway:
              routes:
                collect:
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: POST, path: /v1/claims }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "\(recouvra)/api", auth: { bearer: recouvra-token }, timeout: 5 }
                collect-batch:
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: PUT, path: "/v1/accounts/{account}/claims" }
                  subject: { path-parameter: account }
                  record: { pointer: /items/* }
                  upstream: { url: "\(recouvra)/api", auth: { bearer: recouvra-token }, timeout: 5 }
                bill:
                  provider: facturo
                  purpose: billing
                  record-type: patient
                  match: { method: POST, path: /invoices }
                  subject: { header: X-Subject-Id }
                  record: { pointer: "" }
                  upstream: { url: "\(facturo)", auth: { header: X-Api-Key, secret: facturo-key }, timeout: 5 }
                bill-batch:
                  provider: facturo
                  purpose: billing
                  record-type: patient
                  match: { method: POST, path: /invoices/batch }
                  subject: { pointer: /items/*/subject }
                  record: { pointer: /items/* }
                  upstream: { url: "\(facturo)", auth: { header: X-Api-Key, secret: facturo-key }, timeout: 5 }
                fetch-batch:
                  direction: pull
                  provider: facturo
                  purpose: billing
                  record-type: patient
                  match: { method: GET, path: /invoices/due }
                  subject: { pointer: /items/*/subject }
                  record: { pointer: /items/* }
                  upstream: { url: "\(ehr)/internal", auth: { bearer: ehr-token }, timeout: 5 }
                rival:
                  provider: rival-collect
                  purpose: debt-collection
                  record-type: patient
                  match: { method: POST, path: /claims }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "\(recouvra)/rival" }
                er:
                  provider: urgences-nord
                  purpose: emergency-care
                  record-type: patient
                  match: { method: POST, path: /admissions }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "\(recouvra)/er" }
                down:
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: POST, path: /down }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "http://127.0.0.1:1", auth: { bearer: recouvra-token }, timeout: 2 }
                slow:
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: POST, path: /slow }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "\(slow)", auth: { bearer: recouvra-token }, timeout: 0.5 }
                cut:
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: POST, path: /cut }
                  subject: { pointer: /subject }
                  record: { pointer: /patient }
                  upstream: { url: "\(cut)", timeout: 5 }
                fetch:
                  direction: pull
                  provider: facturo
                  purpose: billing
                  record-type: patient
                  match: { method: GET, path: "/patients/{id}" }
                  subject: { path-parameter: id }
                  record: { pointer: "" }
                  upstream: { url: "\(ehr)/internal", auth: { bearer: ehr-token }, timeout: 5 }
                fetch-for-recouvra:
                  direction: pull
                  provider: recouvra
                  purpose: debt-collection
                  record-type: patient
                  match: { method: GET, path: "/patients/{id}" }
                  subject: { path-parameter: id }
                  record: { pointer: "" }
                  upstream: { url: "\(ehr)/internal", auth: { bearer: ehr-token }, timeout: 5 }

            """
    }

    let harness: Harness
    let recouvra = Upstream()
    let facturo = Upstream()
    let ehr = Upstream(answer: .init(status: .ok, body: JSONWriter.encode(Sample.record)))
    let slow = Upstream(answer: .init(delay: 60))

    let cut: String
    /// More routes, as the bundle writes them under `routes:`, with `{recouvra}`, `{facturo}` and
    /// `{ehr}` standing for those upstreams' URLs.
    let extraRoutes: String

    init(
        port: Int = 0, tls: ServiceConfiguration.TLSFiles? = nil, cut: String = "http://127.0.0.1:1",
        ledgerDeadline: Duration = Harness.ledgerDeadline, extraRoutes: String = ""
    ) async throws {
        self.cut = cut
        self.extraRoutes = extraRoutes
        harness = try await Harness(port: port, upstreamSecrets: Self.secrets, tls: tls, ledgerDeadline: ledgerDeadline)
    }

    var upstreams: [Upstream] { [recouvra, facturo, ehr, slow] }

    /// Starts the upstreams, installs the gateway bundle and a competitor-serving provider, and
    /// runs `body` against discreet listening on a real socket.
    func run(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        try await prepared { try await harness.app.test(.live, body) }
    }

    /// Starts the upstreams, installs the gateway bundle and the competitor-serving provider, then runs `body`.
    func prepared(_ body: @Sendable @escaping () async throws -> Void) async throws {
        let h = harness
        try await Upstream.running(upstreams) {
            let extra = extraRoutes.replacingOccurrences(of: "{recouvra}", with: recouvra.url)
                .replacingOccurrences(of: "{facturo}", with: facturo.url).replacingOccurrences(of: "{ehr}", with: ehr.url)
            let source =
                Self.bundle(recouvra: recouvra.url, facturo: facturo.url, ehr: ehr.url, slow: slow.url, cut: cut) + extra
            _ = try await h.services.policy.install(source: source, store: h.store, now: h.clock.now)
            _ = try await h.store.putProvider(
                Provider(
                    id: "rival-collect", kind: "service-provider",
                    agreements: [
                        Agreement(
                            id: "rival-dpa", type: "DPA", purposes: ["debt-collection"], categories: [CategoryPattern("*")],
                            validFrom: RFC3339.parse("2025-01-01")!, validUntil: RFC3339.parse("2030-01-01")!)
                    ], servesCompetitorsOf: ["p-7"]))
            try await body()
        }
    }
}

extension TestClientProtocol {
    /// Sends raw bytes through the gateway as `role`, with the headers given.
    func gateway(
        _ method: HTTPRequest.Method, _ uri: String, as role: String?, _ h: Harness, body: [UInt8],
        headers extra: HTTPFields = [:], contentType: String? = "application/json"
    ) async throws -> (status: HTTPResponse.Status, body: [UInt8], headers: HTTPFields) {
        var headers = extra
        if let role { headers[.authorization] = "Bearer \(h.keys[role]!)" }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body)) { r in
            (r.status, Array(r.body.readableBytesView), r.headers)
        }
    }
}

extension [UInt8] {
    var json: JSONValue? { try? JSONParser.parse(self) }
    func contains(_ text: String) -> Bool {
        String(decoding: self, as: UTF8.self).contains(text)
    }
}
