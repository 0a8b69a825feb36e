import DiscreetLedger
import DiscreetTestSupport
import Foundation
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let testPostgresURL = ProcessInfo.processInfo.environment["DISCREET_TEST_POSTGRES"]

/// Two `discreet serve` processes on one PostgreSQL database, as replicas behind a load balancer
/// run: one truth for consents, one gap-free ledger whose proofs verify from either.
@Suite(.disabled(if: testPostgresURL == nil, "PostgreSQL is not configured (DISCREET_TEST_POSTGRES)"))
struct ReplicaTests {
    static let environment = ProcessInfo.processInfo.environment
    static let postgresURL = testPostgresURL

    /// A replica: `serve --store` on the shared database, secrets from the shared directory.
    static func replica(store: String, secrets: String, port: Int, passwordFile: String? = nil) async throws
        -> CrashTests.Server
    {
        var env = ProcessInfo.processInfo.environment
        env["DISCREET_STORE_PASSWORD_FILE"] = passwordFile ?? env["DISCREET_TEST_POSTGRES_PASSWORD_FILE"]
        return try await CrashTests.Server.start(
            arguments: ["--store", store, "--data-dir", secrets], environment: env, port: port)
    }

    /// Two replicas on a database of their own, sharing a secrets directory.
    struct Pair {
        let store: String
        let secrets: String
        let a: CrashTests.Server
        let b: CrashTests.Server
        /// The admin key the first printed (the second found it and printed none).
        let key: String
        let drop: @Sendable () async -> Void

        func stop() {
            a.stop()
            b.stop()
        }
    }

    /// Two replicas started one after the other, both ready.
    static func pair() async throws -> Pair {
        let (store, drop, _) = try await database()
        let secrets = CLITests.temporary()
        let a = try await replica(store: store, secrets: secrets, port: TestPort.unused())
        guard let key = a.key else {
            a.stop()
            throw ReplicaDidNotStart()
        }
        try await a.waitUntilReady(key: key)
        let b = try await replica(store: store, secrets: secrets, port: TestPort.unused())
        #expect(b.key == nil, "the second replica found the first one's key and printed none")
        try await b.waitUntilReady(key: key)
        return Pair(store: store, secrets: secrets, a: a, b: b, key: key, drop: drop)
    }

    struct ReplicaDidNotStart: Error {}

    /// The environment a CLI command on the test server's store needs: its password file.
    static var storeEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["DISCREET_STORE_PASSWORD_FILE"] = env["DISCREET_TEST_POSTGRES_PASSWORD_FILE"]
        return env
    }

    /// `discreet verify --store` on a replicas' store, its result checked to be a pass.
    @discardableResult
    static func verify(store: String, secrets: String) async throws -> CLITests.Run {
        let verify = try await CLITests.run(["verify", "--store", store, "--data-dir", secrets], environment: storeEnvironment)
        #expect(verify.status == 0, "\(verify.out)\(verify.err)")
        return verify
    }

    /// Runs `sql` as the test server's owner on `database` (by default the server's test database:
    /// CREATE and DROP DATABASE cannot run in the database they name).
    static func admin(_ sql: String, database: String? = nil) async throws {
        let text = try #require(postgresURL)
        let base = try #require(URLComponents(string: text))
        let password = try environment["DISCREET_TEST_POSTGRES_PASSWORD_FILE"].map {
            try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .newlines)
        }
        let config = PostgresClient.Configuration(
            host: base.host ?? "127.0.0.1", port: base.port ?? 5432, username: base.user ?? "postgres", password: password,
            database: database ?? String(base.path.dropFirst()), tls: .disable)
        let client = PostgresClient(configuration: config)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }

    /// An empty database of its own on the test server, named in a `--store` URL (TLS where the
    /// server offers it), with its name.
    static func database() async throws -> (url: String, drop: @Sendable () async -> Void, name: String) {
        let text = try #require(postgresURL)
        var url = try #require(URLComponents(string: text))
        let name = "discreet_r_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin("CREATE DATABASE \(name)")
        url.path = "/" + name
        // Over TLS, verified against the test server's CA, where it offers one (scripts/postgres does).
        url.queryItems = [
            environment["DISCREET_TEST_POSTGRES_CA"].map { URLQueryItem(name: "sslrootcert", value: $0) }
                ?? URLQueryItem(name: "sslmode", value: "disable")
        ]
        return (url.string!, { try? await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }, name)
    }

    static let withdrawable =
        #"{"provider":"facturo","purpose":"billing","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza","treatments":[{"code":"H0020","substance_program":"methadone"}]}}"#

    static func reason(_ answer: [String: Any], _ field: String) -> String? {
        (answer["decisions"] as? [[String: Any]])?.first { $0["field"] as? String == field }?["reason"] as? String
    }

    static func receipt(_ answer: [String: Any]) -> (index: UInt64, leaf: [UInt8])? {
        guard let r = answer["receipt"] as? [String: Any], let index = r["ledger_index"] as? Int,
            let leaf = (r["leaf_hash"] as? String).flatMap({ Data(base64Encoded: $0) })
        else { return nil }
        return (UInt64(index), Array(leaf))
    }

    @Test func twoReplicasShareConsentsAndOneGapFreeLedger() async throws {
        let pair = try await Self.pair()
        defer { pair.stop() }
        let (a, b, key, store, secrets, drop) = (pair.a, pair.b, pair.key, pair.store, pair.secrets, pair.drop)
        var receipts: [(index: UInt64, leaf: [UInt8])] = []

        // A consent granted through A releases through B; withdrawn through A, B withholds at once.
        let grant = """
            {"provider":"facturo","purposes":["billing"],"categories":["health.substance_use"],
             "granted_at":"2026-01-15T10:00:00Z","expires_at":"2099-01-15T10:00:00Z","method":"written",
             "evidence":{"digest":"sha256:2c26b46b68ffc68f","reference":"scan-1"},"notice_version":"2026-01"}
            """
        let consent = try await a.json("POST", "/v1/subjects/p-1/consents", key: key, body: grant)
        let id = try #require(consent["id"] as? String)
        let released = try await b.json("POST", "/v1/disclosures", key: key, body: Self.withdrawable)
        #expect(Self.reason(released, "treatments[0].substance_program") == "permitted")
        receipts += [Self.receipt(released)].compactMap { $0 }
        // The withdrawal recalls the disclosure from facturo: its opening is the next entry.
        let withdrawn = try await a.json("POST", "/v1/subjects/p-1/consents/\(id)/withdraw", key: key)
        let recalls = withdrawn["recalls"] as? [[String: Any]] ?? []
        #expect(recalls.map { $0["provider"] as? String } == ["facturo"])
        let opened = try #require(recalls.first?["opened_index"] as? Int)
        let entry = try await b.json("GET", "/v1/ledger/entries/\(opened)", key: key)
        receipts += [Self.receipt(["receipt": entry])].compactMap { $0 }
        let withheld = try await b.json("POST", "/v1/disclosures", key: key, body: Self.withdrawable)
        #expect(Self.reason(withheld, "treatments[0].substance_program") == "consent-withdrawn")
        receipts += [Self.receipt(withheld)].compactMap { $0 }

        // 2,000 disclosures sent to both at once, 32 in flight.
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-2","record_type":"patient","record":{"name":"Ana Souza"}}"#
        let burst = try await withThrowingTaskGroup(of: (UInt64, [UInt8])?.self) { group in
            var out: [(UInt64, [UInt8])] = []
            for n in 0..<2_000 {
                if n >= 32, let next = try await group.next() { out += [next].compactMap { $0 } }
                let replica = n % 2 == 0 ? a : b
                group.addTask {
                    let answer = try await replica.json("POST", "/v1/disclosures", key: key, body: body)
                    return Self.receipt(answer)
                }
            }
            for try await next in group { out += [next].compactMap { $0 } }
            return out
        }
        #expect(burst.count == 2_000)
        receipts += burst.map { (index: $0.0, leaf: $0.1) }
        #expect(receipts.map(\.index).sorted() == Array(0..<UInt64(receipts.count)), "a gap or a duplicate")

        // Every receipt's inclusion proof verifies against a checkpoint fetched from either replica.
        let shown = try await CLITests.run(["keys", "show", "--data-dir", secrets]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let verifier = try #require(NoteVerifierKey(encoded: shown))
        for (i, replica) in [a, b].enumerated() {
            let (status, note) = try await replica.request("GET", "/v1/ledger/checkpoint", key: key)
            #expect(status == 200)
            let checkpoint = try Checkpoint.open(String(decoding: note, as: UTF8.self), verifier: verifier)
            #expect(checkpoint.size == UInt64(receipts.count))
            for (n, r) in receipts.enumerated() where n % 2 == i {
                let other = n % 4 < 2 ? a : b
                let proof = try await other.json(
                    "GET", "/v1/ledger/proof/inclusion?index=\(r.index)&size=\(checkpoint.size)", key: key)
                let hashes = (proof["proof"] as? [String] ?? []).compactMap { Data(base64Encoded: $0) }.map { Array($0) }
                #expect(throws: Never.self) {
                    try ProofVerifier.verifyInclusion(
                        leafHash: r.leaf, index: r.index, size: checkpoint.size, proof: hashes, root: checkpoint.root)
                }
            }
        }
        a.stop()
        b.stop()
        let verify = try await Self.verify(store: store, secrets: secrets)
        #expect(verify.out.contains("entries:      \(receipts.count)\n"))
        await drop()
    }

    @Test func aSQLiteStoreMigratesIntoAnEmptyDatabaseAndVerifies() async throws {
        let dir = CLITests.temporary()
        let port = TestPort.unused()
        let single = try await CrashTests.Server.start(dir: dir, port: port)
        let key = try #require(single.key)
        try await single.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza"}}"#
        for _ in 0..<3 {
            let (status, _) = try await single.request("POST", "/v1/disclosures", key: key, body: body)
            #expect(status == 200)
        }
        single.kill()

        let (store, drop, _) = try await Self.database()
        let env = Self.storeEnvironment
        let copied = try await CLITests.run(["migrate", "--from", dir, "--to", store], environment: env)
        #expect(copied.status == 0, "\(copied.out)\(copied.err)")
        #expect(copied.out.contains("copied:       3 entries"))
        #expect(copied.out.contains("OK: the copy's ledger verifies"))
        let again = try await CLITests.run(["migrate", "--from", dir, "--to", store], environment: env)
        #expect(again.status == 1)
        #expect(again.err.contains("already holds data"), "\(again.err)")

        // A replica on the copy serves the same accounting and continues the same ledger.
        let replica = try await Self.replica(store: store, secrets: dir, port: TestPort.unused())
        defer { replica.stop() }
        try await replica.waitUntilReady(key: key)
        let accounting = try await replica.json("GET", "/v1/subjects/p-1/disclosures", key: key)
        #expect((accounting["disclosures"] as? [Any])?.count == 3)
        let next = try await replica.json("POST", "/v1/disclosures", key: key, body: body)
        #expect(Self.receipt(next)?.index == 3)
        replica.stop()
        await drop()
    }

    static let postgresScript: String = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("scripts/postgres").path
    }()

    /// `scripts/postgres` on a cluster of this test's own, which it stops and resumes.
    static func cluster(_ action: String, _ dir: String, _ mode: String? = nil) throws -> [String: String] {
        let run = try CLITests.runProgram("/bin/bash", [postgresScript, action, dir] + (mode.map { [$0] } ?? []))
        #expect(run.status == 0, "scripts/postgres \(action): \(run.err)")
        var out: [String: String] = [:]
        for line in run.out.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    @Test func withPostgreSQLStoppedARequestGets503ReleasesNothingAndTheServiceComesBack() async throws {
        let dir = CLITests.temporary()
        let env = try Self.cluster("start", dir)
        defer { _ = try? Self.cluster("stop", dir) }
        let url = try #require(env["DISCREET_TEST_POSTGRES"]) + "?sslmode=disable"
        let port = TestPort.unused()
        let replica = try await Self.replica(
            store: url, secrets: dir + "/secrets", port: port, passwordFile: env["DISCREET_TEST_POSTGRES_PASSWORD_FILE"])
        defer { replica.stop() }
        let key = try #require(replica.key)
        try await replica.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza"}}"#
        #expect(try await replica.request("POST", "/v1/disclosures", key: key, body: body).0 == 200)

        _ = try Self.cluster("stop", dir)
        let started = ContinuousClock.now
        let (status, data) = try await replica.request("POST", "/v1/disclosures", key: key, body: body)
        let text = String(decoding: data, as: UTF8.self)
        #expect(status == 503, "\(text)")
        #expect(ContinuousClock.now - started < .seconds(20), "the 503 took \(ContinuousClock.now - started)")
        #expect(!text.contains("Ana Souza") && !text.contains("released"))
        #expect(try await replica.request("GET", "/ready", key: key).0 == 503)

        _ = try Self.cluster("resume", dir)
        var back = false
        for _ in 0..<100 where !back {
            back = (try? await replica.request("POST", "/v1/disclosures", key: key, body: body).0) == 200
            if !back { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(back, "the service did not come back with the database")
        let accounting = try await replica.json("GET", "/v1/subjects/p-1/disclosures", key: key)
        let entries = (accounting["disclosures"] as? [Any])?.count ?? 0
        #expect((2...3).contains(entries), "an entry is kept for each release (and perhaps for the attempt): \(entries)")
    }
}
