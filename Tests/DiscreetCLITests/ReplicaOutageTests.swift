import DiscreetTestSupport
import Foundation
import PostgresNIO
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How many times each fault is injected (`DISCREET_FAULT_RUNS`); the suite runs only when it is
/// set, alone (`.ci/run` runs it in a step of its own): it asserts answer times, which the rest of
/// the suite running at once on two cores would blur.
let faultRuns = ProcessInfo.processInfo.environment["DISCREET_FAULT_RUNS"].flatMap(Int.init)

/// A database outage under load (issue 21): two replicas on a PostgreSQL cluster of the test's
/// own, over TLS, six clients disclosing through them, and the database stopped, killed, paused,
/// its connections cut, or restarted while batches commit. Whatever the fault: every request is
/// answered within the store's deadline plus a second, 200 or 503; every 200 is in the ledger; an
/// entry of a 503'd request is marked not released, or absent; each replica serves again within
/// five seconds of the database's return, without a restart; the ledger is gap-free and verifies.
@Suite(
    .serialized,
    .enabled(
        if: faultRuns != nil && testPostgresURL != nil,
        "the outage tests run with DISCREET_FAULT_RUNS=N and PostgreSQL (DISCREET_TEST_POSTGRES) set; .ci/run runs them alone"
    ))
struct ReplicaOutageTests {
    enum Fault: String, CaseIterable, Sendable {
        case stopFast = "stop -m fast"
        case stopImmediate = "stop -m immediate"
        case pause = "SIGSTOP, then SIGCONT"
        case terminate = "pg_terminate_backend mid-batch"
        case restart = "restart while batches commit"
    }

    /// The store's deadline (`serve`'s default) and the margin the issue allows past it.
    static let deadline: Duration = .seconds(5)
    static let bound: Duration = .seconds(6)
    /// How long the database stays away, as in the issue's report.
    static let outage: Duration = .seconds(8)

    struct Answer: Sendable {
        var subject: String
        var replica: Int
        var status: Int
        var took: Duration
        var started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
        var disclosureID: String?
    }

    static func disclose(_ server: CrashTests.Server, key: String, subject: String) async -> (Int, String?) {
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"\#(subject)","record_type":"patient","record":{"name":"Ana Souza","amount_due":12.5}}"#
        guard let (status, data) = try? await server.request("POST", "/v1/disclosures", key: key, body: body) else {
            return (0, nil)
        }
        let id = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["disclosure_id"] as? String
        return (status, id)
    }

    /// Clients on both replicas, each disclosing for a subject of its own per request until `until`.
    static func load(
        _ replicas: [CrashTests.Server], key: String, run: String, clients: Int, until: @escaping @Sendable () -> Bool
    ) async -> [Answer] {
        await withTaskGroup(of: [Answer].self) { group in
            for (r, server) in replicas.enumerated() {
                for c in 0..<clients {
                    group.addTask {
                        var out: [Answer] = []
                        var n = 0
                        while !until() {
                            let subject = "o-\(run)-\(r)-\(c)-\(n)"
                            n += 1
                            let started = ContinuousClock.now
                            let (status, id) = await disclose(server, key: key, subject: subject)
                            let ended = ContinuousClock.now
                            out.append(
                                Answer(
                                    subject: subject, replica: r, status: status, took: ended - started, started: started,
                                    ended: ended, disclosureID: id))
                        }
                        return out
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// The value of `work`, or nil if it has not come within `limit` (the work goes on, unawaited).
    static func within<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        let slot = OnceSlot<T>()
        return await withCheckedContinuation { continuation in
            slot.continuation.withLock { $0 = continuation }
            Task { slot.give(await work()) }
            Task {
                try? await Task.sleep(for: limit)
                slot.give(nil)
            }
        }
    }

    /// The ledger's rows, read directly: (ledger index, disclosure id, subject).
    static func ledger(_ env: [String: String]) async throws -> [(Int64, String, String)] {
        let text = try #require(env["DISCREET_TEST_POSTGRES"])
        let base = try #require(URLComponents(string: text))
        let file = try #require(env["DISCREET_TEST_POSTGRES_PASSWORD_FILE"])
        let password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        let client = PostgresClient(
            configuration: .init(
                host: "127.0.0.1", port: base.port!, username: "discreet", password: password, database: "discreet_test",
                tls: .disable))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var rows: [(Int64, String, String)] = []
            for try await row in try await client.query(
                "SELECT ledger_index, disclosure_id, subject_id FROM disclosures ORDER BY ledger_index"
            ).decode((Int64, String, String).self) {
                rows.append(row)
            }
            return rows
        }
    }

    @Test(arguments: Fault.allCases)
    func anOutageUnderLoadEndsIn503sAndRecovery(_ fault: Fault) async throws {
        let dir = CLITests.temporary()
        let env = try ReplicaTests.cluster("start", dir)
        defer { _ = try? ReplicaTests.cluster("stop", dir) }
        // A cluster left paused by a failed expectation could not be stopped: let it go on first
        // (quietly: on a running cluster this changes nothing).
        defer { _ = try? CLITests.runProgram("/bin/bash", [ReplicaTests.postgresScript, "continue", dir]) }
        let store = try #require(env["DISCREET_TEST_POSTGRES"])
        let ca = try #require(env["DISCREET_TEST_POSTGRES_CA"])
        let url = store + "?sslrootcert=" + ca
        let secrets = dir + "/secrets"
        let passwordFile = env["DISCREET_TEST_POSTGRES_PASSWORD_FILE"]
        let a = try await ReplicaTests.replica(store: url, secrets: secrets, port: TestPort.unused(), passwordFile: passwordFile)
        defer { a.stop() }
        let key = try #require(a.key)
        try await a.waitUntilReady(key: key)
        let b = try await ReplicaTests.replica(store: url, secrets: secrets, port: TestPort.unused(), passwordFile: passwordFile)
        defer { b.stop() }
        try await b.waitUntilReady(key: key)
        let replicas = [a, b]

        for run in 0..<(faultRuns ?? 1) {
            let stop = Atomic<Bool>(false)
            let name = "\(Fault.allCases.firstIndex(of: fault)!)-\(run)"
            let loading = Task {
                await Self.load(replicas, key: key, run: name, clients: 3, until: { stop.load(ordering: .relaxed) })
            }
            try await Task.sleep(for: .seconds(1))
            var readyDuring: [Int] = []
            switch fault {
            case .stopFast, .stopImmediate:
                _ = try ReplicaTests.cluster("stop", dir, fault == .stopFast ? "fast" : "immediate")
                try await Task.sleep(for: .seconds(2))
                for r in replicas { readyDuring.append(try await r.request("GET", "/ready", key: key).0) }
                try await Task.sleep(for: Self.outage - .seconds(2))
                _ = try ReplicaTests.cluster("resume", dir)
            case .pause:
                _ = try ReplicaTests.cluster("pause", dir)
                try await Task.sleep(for: .seconds(2))
                for r in replicas { readyDuring.append(try await r.request("GET", "/ready", key: key).0) }
                try await Task.sleep(for: Self.outage - .seconds(2))
                _ = try ReplicaTests.cluster("continue", dir)
            case .terminate:
                for _ in 0..<5 {
                    _ = try ReplicaTests.cluster("terminate", dir)
                    try await Task.sleep(for: .milliseconds(400))
                }
            case .restart:
                _ = try ReplicaTests.cluster("restart", dir)
            }
            let back = ContinuousClock.now
            try await Task.sleep(for: .seconds(7))
            stop.store(true, ordering: .relaxed)
            // A replica that hangs (the defect this suite is for) fails the test, not the run.
            guard let answers = await Self.within(.seconds(45), { await loading.value }) else {
                Issue.record("\(fault.rawValue), run \(run): requests still unanswered 45 s after the load stopped")
                return
            }

            // Every request answered in time, 200 or 503, nothing else.
            #expect(!answers.isEmpty)
            let odd = answers.filter { ![200, 503].contains($0.status) }
            #expect(odd.isEmpty, "\(fault.rawValue), run \(run): \(odd.count) answers neither 200 nor 503: \(odd.prefix(3))")
            let slow = answers.filter { $0.took > Self.bound }
            #expect(
                slow.isEmpty,
                "\(fault.rawValue), run \(run): \(slow.count) answers after \(Self.bound): \(slow.map(\.took).prefix(5))")
            #expect(readyDuring.allSatisfy { $0 == 503 }, "\(fault.rawValue): /ready during the outage: \(readyDuring)")

            // Each replica serves again within five seconds of the database's return.
            for r in replicas.indices {
                let firstBack = answers.filter { $0.replica == r && $0.status == 200 && $0.started >= back }.map(\.ended).min()
                let after = firstBack.map { $0 - back }
                #expect(
                    after.map { $0 <= .seconds(5) } == true,
                    "\(fault.rawValue), run \(run), replica \(r): back after \(String(describing: after))")
                #expect(try await replicas[r].request("GET", "/ready", key: key).0 == 200)
            }

            // Every 200 is in the ledger; a 503'd request's entry is marked not released, or absent.
            let rows = try await Self.ledger(env)
            #expect(rows.enumerated().allSatisfy { Int64($0.offset) == $0.element.0 }, "indexes are not gap-free")
            let ids = Set(rows.map(\.1))
            let bySubject = Dictionary(grouping: rows, by: \.2)
            for answer in answers where answer.status == 200 {
                let id = try #require(answer.disclosureID)
                #expect(ids.contains(id), "\(fault.rawValue): a 200 whose entry is not in the ledger")
                #expect(!ids.contains("dlv-nr-" + id), "\(fault.rawValue): a 200 marked not released")
            }
            var marked = 0
            for answer in answers where answer.status == 503 {
                for (_, id, _) in bySubject[answer.subject] ?? [] where !id.hasPrefix("dlv-") {
                    #expect(ids.contains("dlv-nr-" + id), "\(fault.rawValue): a 503'd request's entry is in the ledger, unmarked")
                    marked += 1
                }
            }
            let counts = Dictionary(grouping: answers, by: \.status).mapValues(\.count)
            print(
                "outage \(fault.rawValue), run \(run): \(counts[200] ?? 0) × 200, \(counts[503] ?? 0) × 503 "
                    + "(\(marked) recorded, marked not released), slowest \(answers.map(\.took).max()!)")
        }
        await ReplicaTests.verifyCluster(url: url, secrets: secrets, passwordFile: passwordFile)
    }
}

extension ReplicaTests {
    /// `discreet verify --store` on a cluster of a test's own.
    static func verifyCluster(url: String, secrets: String, passwordFile: String?) async {
        var env = ProcessInfo.processInfo.environment
        env["DISCREET_STORE_PASSWORD_FILE"] = passwordFile
        let verify = try? await CLITests.run(["verify", "--store", url, "--data-dir", secrets], environment: env)
        #expect(verify?.status == 0, "\(verify?.out ?? "")\(verify?.err ?? "")")
    }
}

/// A continuation resumed once, by whichever side gives first.
final class OnceSlot<T: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)

    func give(_ value: T?) {
        let c = continuation.withLock { c in
            defer { c = nil }
            return c
        }
        c?.resume(returning: value)
    }
}
