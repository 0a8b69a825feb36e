import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DiscreetServer

/// Cursor pagination on every list: pages in a stable order, walked with `next`, with no item
/// lost and none shown twice, even while items are being appended.
@Suite struct PaginationTests {
    /// A disclosure entry about `subject`, as the ledger holds one.
    static func append(_ h: Harness, subject: String, n: Int) async throws {
        let now = h.clock.now
        let entry = DisclosureEntry(
            id: RecordID.make("dsc-", at: now), time: now, providerID: "recouvra", purpose: "debt-collection",
            subjectID: subject, recordType: "patient", policy: .init(revision: 1, label: "demo", digest: "d"), keyID: "k",
            decisions: [FieldDecision(field: "f\(n)", category: "identity.name", outcome: .released, reason: .permitted)])
        _ = try await h.store.append(
            LedgerAppend(
                disclosureID: entry.id, subjectID: subject, providerID: "recouvra", purpose: "debt-collection", recordedAt: now,
                entry: entry.canonicalBytes))
    }

    static func appendMany(_ h: Harness, subject: String, _ range: Range<Int>) async throws {
        // Concurrently, so that the ledger's group commit shares the syncs.
        for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 200) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in chunk..<min(chunk + 200, range.upperBound) {
                    group.addTask { try await append(h, subject: subject, n: n) }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func tenThousandDisclosuresWalkedPageByPageWhileMoreArrive() async throws {
        let h = try await Harness()
        try await Self.appendMany(h, subject: "p-long", 0..<10_000)
        try await h.test { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/v1/subjects/p-long/disclosures?limit=1000" + (cursor.map { "&cursor=\($0)" } ?? "")
                let r = try await client.call(.get, uri, as: "auditor", h)
                #expect(r.status == .ok)
                let items = r.body["disclosures"]?.arrayValue ?? []
                #expect(items.count <= 1000)
                seen += items.compactMap { $0["entry"]?["fields"]?[0]?["field"]?.stringValue }
                cursor = r.body["next"]?.stringValue
                pages += 1
                // More arrive while the list is walked.
                if pages <= 5 {
                    try await Self.appendMany(h, subject: "p-long", (10_000 + pages * 100)..<(10_000 + pages * 100 + 100))
                }
            } while cursor != nil && pages < 50
            #expect(Set(seen).count == seen.count, "an item was shown twice")
            let original = Set((0..<10_000).map { "f\($0)" })
            #expect(original.isSubset(of: Set(seen)), "\(original.subtracting(Set(seen)).count) items lost")
            // Those appended during the walk sort after every cursor given: all are shown too.
            #expect(seen.count == 10_500)
        }
    }

    /// A page that ends the list says so, even when it is full: no client fetches an empty page.
    @Test func theLastFullPageOfTheAccountingHasNoNext() async throws {
        let h = try await Harness()
        try await Self.appendMany(h, subject: "p-even", 0..<4)
        try await h.test { client in
            let first = try await client.call(.get, "/v1/subjects/p-even/disclosures?limit=2", as: "auditor", h)
            #expect(first.body["disclosures"]?.arrayValue?.count == 2)
            let next = try #require(first.body["next"]?.stringValue)
            let second = try await client.call(
                .get, "/v1/subjects/p-even/disclosures?limit=2&cursor=\(next)", as: "auditor", h)
            #expect(second.body["disclosures"]?.arrayValue?.count == 2)
            #expect(second.body["next"] == .null)
        }
    }

    @Test func providersConsentsAndExceptionsComeInPages() async throws {
        let h = try await Harness()
        for i in 0..<23 {
            _ = try await h.store.putProvider(Provider(id: String(format: "prov-%02d", i), kind: "service-provider"))
        }
        try await h.test { client in
            // Providers by id: 23 + the 3 demo providers, in pages of 10.
            var ids: [String] = []
            var cursor: String?
            repeat {
                let r = try await client.call(
                    .get, "/v1/providers?limit=10" + (cursor.map { "&cursor=\($0)" } ?? ""), as: "admin", h)
                let page = r.body["providers"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                #expect(page.count <= 10)
                ids += page
                cursor = r.body["next"]?.stringValue
            } while cursor != nil
            #expect(ids.count == 26 && ids == ids.sorted() && Set(ids).count == 26)

            for n in 0..<7 {
                let grant: JSONValue = [
                    "provider": "facturo", "purposes": ["billing"], "categories": ["health.substance_use"],
                    "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
                    "evidence": ["digest": .string("sha256:\(n)"), "reference": "scan"], "notice_version": "2026-01",
                ]
                #expect(
                    try await client.call(.post, "/v1/subjects/p-8/consents", as: "consent-manager", h, json: grant).status
                        == .created)
                #expect(
                    try await client.call(
                        .post, "/v1/disclosures", as: "exception-officer", h, json: ExceptionReviewTests.emergency()
                    ).status == .ok)
            }
            let first = try await client.call(.get, "/v1/subjects/p-8/consents?limit=4", as: "consent-manager", h)
            #expect(first.body["consents"]?.arrayValue?.count == 4)
            let next = try #require(first.body["next"]?.stringValue)
            let second = try await client.call(.get, "/v1/subjects/p-8/consents?limit=4&cursor=\(next)", as: "consent-manager", h)
            #expect(second.body["consents"]?.arrayValue?.count == 3)
            #expect(second.body["next"] == .null)
            let all = (first.body["consents"]?.arrayValue ?? []) + (second.body["consents"]?.arrayValue ?? [])
            #expect(Set(all.compactMap { $0["id"]?.stringValue }).count == 7)

            let e1 = try await client.call(.get, "/v1/exceptions?limit=5", as: "auditor", h)
            #expect(e1.body["exceptions"]?.arrayValue?.count == 5)
            let e2 = try await client.call(
                .get, "/v1/exceptions?limit=5&cursor=\(try #require(e1.body["next"]?.stringValue))", as: "auditor", h)
            #expect(e2.body["exceptions"]?.arrayValue?.count == 2)
            #expect(e2.body["next"] == .null)
        }
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=ten", "cursor=not-a-cursor", "cursor=%00", "cursor=YWJj"])
    func aBadLimitOrCursorNamesTheParameter(_ query: String) async throws {
        let h = try await Harness()
        try await h.test { client in
            for uri in ["/v1/providers", "/v1/exceptions", "/v1/subjects/p-1/consents", "/v1/subjects/p-1/disclosures"] {
                let role = uri.hasSuffix("consents") ? "consent-manager" : uri.hasPrefix("/v1/providers") ? "admin" : "auditor"
                let r = try await client.call(.get, uri + "?" + query, as: role, h)
                #expect(r.status == .badRequest, "\(uri)?\(query)")
                #expect(r.body["type"] == "urn:discreet:problem:invalid-query")
                #expect(r.body["parameter"] == .string(String(query.prefix { $0 != "=" })))
            }
        }
    }
}
