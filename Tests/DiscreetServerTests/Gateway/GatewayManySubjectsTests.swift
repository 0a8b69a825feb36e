import DiscreetJSON
import DiscreetLedger
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A body carrying several people's records (issue 20), over real sockets: each record decided
/// under its own subject, one ledger entry per subject, each person's accounting showing exactly
/// what left about them, and the provider receiving only what passed for each.
@Suite struct GatewayManySubjectsTests {
    /// Beta SA gave facturo a named consent for its addiction-treatment records; Gamma LLC gave
    /// none; p-100 asked that nothing reach facturo. Beta SA has two records in the body.
    static let subjects = ["beta-sa", "gamma-llc", "p-100"]

    static func record(_ subject: String, _ n: Int) -> JSONValue {
        [
            "subject": .string(subject), "name": .string("Name-\(subject)-\(n)"), "diagnosis": .string("F1\(n).2-\(subject)"),
            "amount_due": .number("\(100 + n).50"),
            "treatments": [["code": .string("H00\(n)"), "substance_program": .string("program-\(subject)-\(n)")]],
        ]
    }

    static let records: [JSONValue] = [record("beta-sa", 1), record("gamma-llc", 2), record("p-100", 3), record("beta-sa", 4)]

    /// The records' subject at each index of the body.
    static let subjectAt = ["beta-sa", "gamma-llc", "p-100", "beta-sa"]

    static func prepare(_ client: any TestClientProtocol, _ h: Harness) async throws {
        let grant: JSONValue = [
            "provider": "facturo", "purposes": ["billing"], "categories": ["health.substance_use"],
            "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "written",
            "evidence": ["digest": "sha256:ab12", "reference": "scan-77"], "notice_version": "2026-01",
        ]
        #expect(
            try await client.call(.post, "/v1/subjects/beta-sa/consents", as: "consent-manager", h, json: grant).status
                == .created)
        #expect(
            try await client.call(
                .put, "/v1/subjects/p-100", as: "consent-manager", h, json: ["restrictions": [["provider": "facturo"]]]
            ).status == .created)
    }

    /// What `/v1/disclosures` answers for one record and its own subject: the oracle. Asked after
    /// the accountings are checked, since it records disclosures of its own.
    static func oracle(_ client: any TestClientProtocol, _ h: Harness, _ i: Int) async throws -> (JSONValue, [JSONValue]) {
        let r = try await client.call(
            .post, "/v1/disclosures", as: "discloser", h,
            json: [
                "provider": "facturo", "purpose": "billing", "subject": .string(subjectAt[i]), "record_type": "patient",
                "record": records[i],
            ])
        #expect(r.status == .ok)
        let decisions = (r.body["decisions"]?.arrayValue ?? []).map { d -> JSONValue in
            var o = d.objectValue!
            o["field"] = .string("[\(i)]." + o["field"]!.stringValue!)
            return .object(o)
        }
        return (r.body["released"] ?? [:], decisions)
    }

    static func list(_ headers: HTTPFields, _ name: String) -> [String] {
        (headers[HTTPField.Name(name)!] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Checks what was recorded for the body sent (`sent` headers) and what the upstream got
    /// (`received`): one entry per subject with its own decisions, a receipt provable against the
    /// signed checkpoint, each accounting in three formats showing that entry alone.
    static func checkRecorded(
        _ client: any TestClientProtocol, _ h: Harness, headers: HTTPFields, received: JSONValue?, route: String
    ) async throws {
        let ids = list(headers, "Discreet-Disclosure-Id")
        let indexes = list(headers, "Discreet-Ledger-Index").compactMap { UInt64($0) }
        let leaves = list(headers, "Discreet-Leaf-Hash")
        #expect(ids.count == 3 && indexes.count == 3 && leaves.count == 3, "\(headers)")
        let keys = try await client.call(.get, "/.well-known/discreet-keys", as: nil, h)
        let verifier = try #require(NoteVerifierKey(encoded: keys.body["keys"]?[0]?["verifier_key"]?.stringValue ?? ""))
        let note = try await client.execute(
            uri: "/v1/ledger/checkpoint", method: .get, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
        ) { String(buffer: $0.body) }
        let checkpoint = try Checkpoint.open(note, verifier: verifier)

        var entries: [String: JSONValue] = [:]
        for (k, index) in indexes.enumerated() {
            let e = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
            #expect(e.body["leaf_hash"]?.stringValue == leaves[k])
            #expect(e.body["entry"]?["id"]?.stringValue == ids[k])
            #expect(e.body["entry"]?["gateway"]?["route"] == .string(route))
            let subject = try #require(e.body["entry"]?["subject"]?.stringValue)
            entries[subject] = e.body["entry"]
            let p = try await client.call(
                .get, "/v1/ledger/proof/inclusion?index=\(index)&size=\(checkpoint.size)", as: "auditor", h)
            try ProofVerifier.verifyInclusion(
                leafHash: Array(Data(base64Encoded: leaves[k])!), index: index, size: checkpoint.size,
                proof: (p.body["proof"]?.arrayValue ?? []).map { Array(Data(base64Encoded: $0.stringValue!)!) },
                root: checkpoint.root)
            // The app can prove the forwarded body under each subject's entry.
            if let received {
                let match = try await client.call(
                    .post, "/v1/ledger/entries/\(index)/match", as: "auditor", h, json: received)
                #expect(match.body["matches"] == true)
            }
        }
        // One entry per subject, in the order subjects first appear.
        #expect(Set(entries.keys) == Set(subjects))
        for subject in subjects {
            let fields = entries[subject]?["fields"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            let own = subjectAt.indices.filter { subjectAt[$0] == subject }.map { "[\($0)]." }
            #expect(!fields.isEmpty && fields.allSatisfy { f in own.contains { f.hasPrefix($0) } }, "\(subject): \(fields)")

            // Each person's accounting shows exactly their own disclosure, in every format.
            let json = try await client.call(.get, "/v1/subjects/\(subject)/disclosures", as: "auditor", h)
            let shown = json.body["disclosures"]?.arrayValue ?? []
            #expect(shown.count == 1, "\(subject): \(json.body)")
            #expect(shown.first?["entry"]?["id"] == entries[subject]?["id"])
            for (format, marker) in [("csv", "\n"), ("html", "<tr><td class=\"when\">")] {
                let text = try await client.execute(
                    uri: "/v1/subjects/\(subject)/disclosures?format=\(format)", method: .get,
                    headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
                ) { String(buffer: $0.body) }
                let rows =
                    format == "csv"
                    ? text.split(whereSeparator: \.isNewline).count - 1 : text.components(separatedBy: marker).count - 1
                #expect(rows == 1, "\(subject) \(format): \(text.suffix(3000))")
            }
        }
    }

    @Test func eachRecordIsDecidedForItsOwnSubjectAndRecordedUnderIt() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        try await f.run { client in
            try await Self.prepare(client, h)
            let body: JSONValue = ["items": .array(Self.records), "batch": "2026-06"]
            let sent = try await client.gateway(
                .post, "/gateway/bill-batch/invoices/batch", as: "discloser", h, body: JSONWriter.encode(body))
            #expect(sent.status == .created, "\(String(decoding: sent.body, as: UTF8.self))")
            let received = try #require(f.facturo.requests.last)
            try await Self.checkRecorded(client, h, headers: sent.headers, received: received.json, route: "bill-batch")

            // Replayed under the bundle in force, each record's fields decide as they did (their
            // `[i].` place in the body is not part of what the engine decides).
            let source = try #require(try await client.call(.get, "/v1/policy", as: "admin", h).body["source"]?.stringValue)
            let replay = try await client.call(
                .post, "/v1/policy/replay", as: "admin", h, raw: source, contentType: "application/yaml")
            let report = try #require(try PolicyReplayTests.lines(replay.body).last?["report"])
            #expect(report["entries"]?["replayed"] == 3)
            #expect(report["fields"]?["changed"] == 0, "\(report)")

            // Field by field, what /v1/disclosures decides for the same record and subject.
            let ids = Self.list(sent.headers, "Discreet-Ledger-Index")
            var recorded: [JSONValue] = []
            for index in ids {
                let e = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
                recorded += e.body["entry"]?["fields"]?.arrayValue ?? []
            }
            var released: [JSONValue] = []
            for i in Self.records.indices {
                let (r, decisions) = try await Self.oracle(client, h, i)
                released.append(r)
                for d in decisions {
                    let mine = recorded.first { $0["field"] == d["field"] }
                    #expect(
                        mine?["outcome"] == d["outcome"] && mine?["reason"] == d["reason"], "\(d) vs \(String(describing: mine))")
                    #expect(mine?["basis"] == d["basis"], "\(d)")
                }
            }
            #expect(recorded.count == Self.records.map { Self.leafCount($0) }.reduce(0, +))
            #expect(received.json == ["items": .array(released)])
            // What each person's decisions say, in words: Beta's consent releases its programme, to Beta alone.
            #expect(received.text.contains("program-beta-sa-1") && received.text.contains("program-beta-sa-4"))
            #expect(!received.text.contains("program-gamma-llc") && !received.text.contains("-p-100"))
            #expect(!received.text.contains("\"subject\"") && !received.text.contains("2026-06"))
        }
    }

    @Test func aPullRouteWhoseInternalAPIAnswersAnArray() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        f.ehr.answer.withLock { $0.body = JSONWriter.encode(["items": .array(Self.records)]) }
        try await f.run { client in
            try await Self.prepare(client, h)
            let r = try await client.gateway(
                .get, "/pull/fetch-batch/invoices/due", as: "provider:facturo", h, body: [], contentType: nil)
            #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
            try await Self.checkRecorded(client, h, headers: r.headers, received: r.body.json, route: "fetch-batch")
            var released: [JSONValue] = []
            for i in Self.records.indices { released.append(try await Self.oracle(client, h, i).0) }
            #expect(r.body.json == ["items": .array(released)])
            #expect(!r.body.contains("program-gamma-llc") && !r.body.contains("-p-100"))
        }
    }

    /// A record without its own subject refuses the request whole, naming it; nothing is sent or recorded.
    @Test func aRecordWithoutItsSubjectRefusesTheWholeRequest() async throws {
        let f = try await GatewayFixture()
        let h = f.harness
        f.ehr.answer.withLock {
            $0.body = JSONWriter.encode(["items": [Self.records[0], ["name": "No One"]]])
        }
        try await f.run { client in
            var second = Self.records[1].objectValue!
            second["subject"] = .array([])
            var third = Self.records[2].objectValue!
            third["subject"] = nil
            let body: JSONValue = ["items": [Self.records[0], .object(second), .object(third)]]
            let sent = try await client.gateway(
                .post, "/gateway/bill-batch/invoices/batch", as: "discloser", h, body: JSONWriter.encode(body))
            #expect(sent.status == .unprocessableContent)
            let problem = try #require(sent.body.json)
            #expect(problem["type"] == "urn:discreet:problem:subject-missing")
            #expect(problem["field"] == "/items/1/subject")
            #expect(problem["records"] == [1, 2])
            #expect(problem["detail"]?.stringValue?.contains("Records 1, 2 of /items") == true, "\(problem)")
            #expect(f.facturo.requests.isEmpty)
            let pulled = try await client.gateway(
                .get, "/pull/fetch-batch/invoices/due", as: "provider:facturo", h, body: [], contentType: nil)
            #expect(pulled.status == .badGateway)
            #expect(pulled.body.json?["detail"]?.stringValue?.contains("record 1 of its answer") == true)
            #expect(!pulled.body.contains("No One"))
            let head = try await client.call(.get, "/v1/ledger/checkpoint", as: "auditor", h)
            #expect(head.status == .ok)
            #expect(try await h.store.entryCount() == 0)
        }
    }

    /// The number of decided leaves of a record (each array element's member counts once).
    static func leafCount(_ value: JSONValue) -> Int {
        switch value {
        case .object(let o): o.members.map { leafCount($0.value) }.reduce(0, +)
        case .array(let a): a.map(leafCount).reduce(0, +)
        default: 1
        }
    }

    /// The ledger stalled (another connection holds the SQLite file's write lock, as a stalled disk
    /// would hold the writer): the three-person body is answered 503 within the deadline, the
    /// provider receives nothing, and once the writer is free the same body leaves with its three
    /// entries; what the stalled attempt left in the ledger is marked not released, or nothing.
    @Test func aStalledLedgerSendsNothingUpstreamAndRecovers() async throws {
        let f = try await GatewayFixture(ledgerDeadline: .seconds(1))
        let h = f.harness
        try await f.run { client in
            try await Self.prepare(client, h)
            let body = JSONWriter.encode(["items": .array(Self.records)])
            let other = try DatabaseQueue(path: h.store.path)
            let release = HeldGate()
            let holder = Task {
                try await other.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    let semaphore = DispatchSemaphore(value: 0)
                    Task {
                        await withCheckedContinuation { c in release.waiting.withLock { $0 = c } }
                        semaphore.signal()
                    }
                    semaphore.wait()
                    try db.execute(sql: "ROLLBACK")
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let stalled = try await client.gateway(.post, "/gateway/bill-batch/invoices/batch", as: "discloser", h, body: body)
            #expect(stalled.status == .serviceUnavailable)
            #expect(stalled.body.json?["type"] == "urn:discreet:problem:ledger-unavailable")
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(f.facturo.requests.isEmpty)
            while release.waiting.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            release.waiting.withLock { $0?.resume() }
            try await holder.value

            var sent = stalled
            for _ in 0..<20 where sent.status != .created {
                sent = try await client.gateway(.post, "/gateway/bill-batch/invoices/batch", as: "discloser", h, body: body)
            }
            #expect(sent.status == .created)
            #expect(f.facturo.requests.count == 1)
            #expect(Self.list(sent.headers, "Discreet-Ledger-Index").count == 3)
            // Every disclosure entry is either one the answer named, or marked not released.
            let named = Set(Self.list(sent.headers, "Discreet-Disclosure-Id"))
            var ids: [String] = []
            for index in 0..<(try await h.store.entryCount()) {
                let e = try await client.call(.get, "/v1/ledger/entries/\(index)", as: "auditor", h)
                ids.append(e.body["entry"]?["id"]?.stringValue ?? "")
            }
            for id in ids where id.hasPrefix("dsc-") && !named.contains(id) {
                #expect(ids.contains("dlv-nr-" + id), "an entry of the stalled attempt, unmarked")
            }
        }
    }
}

/// Where the test lets go of a lock it holds from another thread.
final class HeldGate: Sendable {
    let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
}
