import DiscreetJSON
import DiscreetLedger
import DiscreetSQLite
import DiscreetStore
import DiscreetTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import DiscreetServer

/// The service's witness client against `discreet witness serve`'s routes over real sockets: the
/// two agree on cosignatures, which are stored and served with the checkpoint; a stale size is
/// recovered from the witness's 409; a forked log, a proof that does not verify and a forged
/// cosignature raise the alarm (log, metric, alert); a witness that is down delays cosigning only.
@Suite struct WitnessClientTests {
    let witnessKey = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())
    let witnessDirectory = NSTemporaryDirectory() + "discreet-witness-" + UUID().uuidString

    /// A witness following the harness's log, listening on a port of its own while `body` runs.
    func withWitness(log: LogCapture = LogCapture(), _ body: @Sendable (WitnessDatabase, Int) async throws -> Void)
        async throws
    {
        let store = try WitnessDatabase(directory: witnessDirectory)
        let routes = WitnessRoutes(
            store: store, key: witnessKey, logs: [Harness.ledgerKey.verifier],
            logger: Logger(label: "witness") { _ in LogCaptureHandler(capture: log) })
        try await Application(router: routes.router()).test(.live) { client in try await body(store, try #require(client.port)) }
    }

    func client(_ h: Harness, port: Int, key: CosignerKey? = nil, timeout: TimeAmount = .seconds(5)) -> WitnessClient {
        var logger = Logger(label: "witness-client") { _ in LogCaptureHandler(capture: h.logs) }
        logger.logLevel = .trace
        let witness = WitnessPolicy.Witness(
            name: witnessKey.name, key: key ?? witnessKey.verifier, url: "http://127.0.0.1:\(port)/")
        return WitnessClient(
            configuration: .init(witnesses: [witness], timeout: timeout), store: h.store, metrics: h.services.metrics,
            clock: { h.clock.now }, logger: logger)
    }

    static func append(_ h: Harness, _ n: Int, subject: String = "p-1") async throws {
        for i in 0..<n { try await PaginationTests.append(h, subject: subject, n: i) }
    }

    static func checkpoint(_ h: Harness) async throws -> String {
        try await h.app.test(.router) { client in
            try await client.execute(
                uri: "/v1/ledger/checkpoint", method: .get, headers: [.authorization: "Bearer \(h.keys["auditor"]!)"]
            ) { String(buffer: $0.body) }
        }
    }

    var policy: WitnessPolicy {
        get throws {
            try WitnessPolicy(
                """
                log \(Harness.ledgerKey.verifier.encoded)
                witness w1 \(witnessKey.verifier.vkey)
                quorum w1
                """)
        }
    }

    var name: String { witnessKey.name }

    @Test func checkpointsAreCosignedStoredAndServed() async throws {
        let h = try await Harness()
        try await withWitness { _, port in
            let client = client(h, port: port)
            try await Self.append(h, 3)
            #expect(await client.submitCurrent() == [name: .cosigned(size: 3)])
            let served = try await Self.checkpoint(h)
            let verdict = try #require(try policy.verify(served))
            #expect(verdict.checkpoint.size == 3)
            #expect(verdict.quorumMet)
            // The log's own signature still opens the note with the cosignature appended.
            #expect(try Checkpoint.open(served, verifier: Harness.ledgerKey.verifier).size == 3)
            // Growth goes with a consistency proof from the witnessed size.
            try await Self.append(h, 4, subject: "p-2")
            #expect(await client.submitCurrent() == [name: .cosigned(size: 7)])
            #expect(try policy.verify(try await Self.checkpoint(h))?.quorumMet == true)
            // Nothing new: nothing submitted.
            #expect(await client.submitCurrent() == [:])
            let metrics = String(decoding: h.services.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains("discreet_witness_cosigned_size{witness=\"\(name)\"} 7"))
            #expect(metrics.contains("discreet_witness_submissions_total{witness=\"\(name)\",result=\"cosigned\"} 2"))
        }
    }

    @Test func aWitnessThatIsDownDelaysCosigningNeverADisclosure() async throws {
        let h = try await Harness()
        // Nothing listens there.
        try await Self.append(h, 2)
        #expect(await client(h, port: TestPort.unused(), timeout: .seconds(1)).submitCurrent() == [name: .failed("unreachable")])
        // Disclosures go on while the witness is away; the checkpoint is served without cosignature.
        try await h.test { c in
            let r = try await c.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
            #expect(r.status == .ok)
        }
        #expect(try policy.verify(try await Self.checkpoint(h))?.quorumMet == false)
        try await withWitness { _, port in
            // Within the backoff (kept in the store, for every replica) it is not tried again;
            // after it, it is, and cosigns.
            let client = client(h, port: port)
            #expect(await client.submitCurrent() == [name: .notMyTurn])
            h.advance(seconds: 2)
            #expect(await client.submitCurrent() == [name: .cosigned(size: 3)])
        }
        #expect(try policy.verify(try await Self.checkpoint(h))?.quorumMet == true)
        let metrics = String(decoding: h.services.metrics.exposition(), as: UTF8.self)
        #expect(metrics.contains("discreet_witness_submissions_total{witness=\"\(name)\",result=\"unreachable\"} 1"))
    }

    @Test func aStaleSizeIsRecoveredFromTheWitnessConflict() async throws {
        let h = try await Harness()
        try await withWitness { _, port in
            let client = client(h, port: port)
            try await Self.append(h, 3)
            #expect(await client.submitCurrent() == [name: .cosigned(size: 3)])
            // The service forgets what the witness holds (a restored store, say): it sends old 0,
            // the witness answers 409 with 3, and the same turn goes again from 3.
            let now = h.clock.now
            _ = try await h.store.takeWitnessTurn(name, owner: "reset", now: now, until: now + 60)
            try await h.store.endWitnessTurn(name, owner: "reset", size: 0, cosignature: nil, nextTurn: now)
            try await Self.append(h, 2, subject: "p-2")
            #expect(await client.submitCurrent() == [name: .cosigned(size: 5)])
            let metrics = String(decoding: h.services.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains("discreet_witness_submissions_total{witness=\"\(name)\",result=\"behind\"} 1"))
            #expect(!metrics.contains("discreet_witness_alarms_total"))
        }
    }

    @Test func aReplicaThatReadAnOlderCheckpointNeitherSubmitsItAgainNorCriesFork() async throws {
        let h = try await Harness()
        let witnessLog = LogCapture()
        try await withWitness(log: witnessLog) { _, port in
            // Two replicas' clients on one store; the second read the checkpoint of size 3
            // before the first's turn ended with it cosigned.
            let first = client(h, port: port)
            let second = client(h, port: port)
            let witness = WitnessPolicy.Witness(name: name, key: witnessKey.verifier, url: "http://127.0.0.1:\(port)")
            try await Self.append(h, 3)
            let seen = try #require(try await h.store.currentCheckpoint(now: h.clock.now))
            #expect(await first.submitCurrent() == [name: .cosigned(size: 3)])
            #expect(await second.turn(witness, seen) == .cosigned(size: 3))
            // The witness moved on to 5 through the first; the second, still holding 3, is behind
            // the log's newest checkpoint, not ahead of the witness.
            try await Self.append(h, 2, subject: "p-2")
            #expect(await first.submitCurrent() == [name: .cosigned(size: 5)])
            #expect(await second.turn(witness, seen) == .cosigned(size: 5))
            let cosigned = witnessLog.lines.withLock { $0.filter { $0.contains("cosigned") } }
            #expect(cosigned.count == 2, "\(cosigned)")
            let metrics = String(decoding: h.services.metrics.exposition(), as: UTF8.self)
            #expect(!metrics.contains("discreet_witness_alarms_total"))
        }
    }

    @Test func aForkedLogIsRefusedAndRaisesTheAlarm() async throws {
        // Two stores signing with the same key: two histories of one log.
        let honest = try await Harness()
        let forked = try await Harness()
        try await withWitness { witness, port in
            try await Self.append(honest, 3)
            #expect(await client(honest, port: port).submitCurrent() == [name: .cosigned(size: 3)])
            // The same size with another root: 409 at the size sent, a fork.
            try await Self.append(forked, 3, subject: "p-9")
            let client = client(forked, port: port)
            #expect(await client.submitCurrent() == [name: .alarm("fork")])
            #expect(try await witness.refusals(origin: Harness.origin) == 1)
            // The alarm: a critical log line, a metric, an alert for the webhook with the checkpoint.
            #expect(forked.logs.text.contains("critical witness alarm"))
            let metrics = String(decoding: forked.services.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains("discreet_witness_alarms_total{witness=\"\(name)\",reason=\"fork\"} 1"))
            let alerts = try await forked.store.dueAlerts(now: forked.clock.now, limit: 10)
            let alert = try JSONParser.parse(try #require(alerts.first?.body))
            #expect(alert["type"]?.stringValue == "witness-alarm")
            #expect(alert["reason"]?.stringValue == "fork")
            #expect(alert["witness_size"] == .number("3"))
            // Nothing is cosigned or served as witnessed, and the witness is not asked again at once.
            #expect(try await forked.store.cosignatures(size: 3) == [])
            #expect(try policy.verify(try await Self.checkpoint(forked))?.quorumMet == false)
            #expect(await client.submitCurrent() == [name: .notMyTurn])
        }
    }

    @Test func aLongerForkFailsItsProofAndRaisesTheAlarm() async throws {
        let honest = try await Harness()
        let forked = try await Harness()
        try await withWitness { witness, port in
            try await Self.append(honest, 3)
            #expect(await client(honest, port: port).submitCurrent() == [name: .cosigned(size: 3)])
            // A larger tree whose first three leaves differ: its proof from 3 cannot verify (422).
            try await Self.append(forked, 5, subject: "p-9")
            #expect(await client(forked, port: port).submitCurrent() == [name: .alarm("inconsistent")])
            #expect(try await witness.refusals(origin: Harness.origin) == 1)
            let alerts = try await forked.store.dueAlerts(now: forked.clock.now, limit: 10)
            #expect(try JSONParser.parse(try #require(alerts.first?.body))["reason"]?.stringValue == "inconsistent")
        }
    }

    @Test func aCosignatureThatDoesNotVerifyIsAnAlarmNeverAWitness() async throws {
        let h = try await Harness()
        try await withWitness { _, port in
            // The policy holds another key under the witness's name: what comes back does not verify.
            let impostor = CosignerSigningKey(name: name, privateKey: .init()).verifier
            try await Self.append(h, 2)
            #expect(await client(h, port: port, key: impostor).submitCurrent() == [name: .alarm("bad-cosignature")])
            #expect(try await h.store.cosignatures(size: 2) == [])
            let served = try await Self.checkpoint(h)
            #expect(!served.contains(name))
        }
    }
}
