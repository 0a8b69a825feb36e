import DiscreetJSON
import DiscreetServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MetricsTests {
    @Test func countsRequestsDisclosuresAndReasonsWithoutIdentifiers() async throws {
        let h = try await Harness()
        try await h.test { client in
            for _ in 0..<2 {
                _ = try await client.call(
                    .post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure(subject: "patient-4711"))
            }
            _ = try await client.call(.get, "/v1/policy", as: nil, h)
        }
        let metrics = Application(router: buildMetricsRouter(h.services))
        try await metrics.test(.router) { client in
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            #expect(text.contains(#"discreet_disclosures_total{result="decided"} 2"#))
            #expect(text.contains(#"discreet_field_decisions_total{reason="no-agreement"} 8"#))
            #expect(text.contains(#"discreet_field_decisions_total{reason="not-needed"} 2"#))
            #expect(text.contains(#"discreet_field_decisions_total{reason="permitted"} 14"#))
            #expect(text.contains(#"discreet_http_requests_total{route="/v1/disclosures",method="POST",status="200"} 2"#))
            #expect(text.contains(#"discreet_http_requests_total{route="/v1/policy",method="GET",status="401"} 1"#))
            #expect(text.contains("discreet_ledger_append_failures_total 0"))
            #expect(!text.contains("4711"))
            let spec = try OpenAPISpec.load("openapi-metrics.yaml")
            #expect(
                spec.check(method: "GET", path: "/metrics", status: 200, contentType: "text/plain", body: .string(text)).isEmpty)
            for value in Sample.values { #expect(!text.contains(value)) }
            // Another method on the path is 405 with Allow, as on the main listener; another path 404.
            try await client.execute(uri: "/metrics", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/disclosures", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
