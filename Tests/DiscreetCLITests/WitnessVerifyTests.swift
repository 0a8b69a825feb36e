import DiscreetJSON
import DiscreetLedger
import DiscreetTestSupport
import Foundation
import GRDB
import Testing

/// `serve --witness-policy` and `verify --witness-policy` with a real witness process: the
/// service submits its checkpoints on its own, and verify passes only while the newest checkpoint
/// carries the quorum's cosignatures, each verifying.
@Suite struct WitnessVerifyTests {
    static func write(_ text: String) throws -> String {
        let path = CLITests.temporary() + ".policy"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func verifyHoldsTheNewestCheckpointToTheWitnessPolicy() async throws {
        let dir = CLITests.temporary()
        let (env, logKey) = try await WitnessProcess.ledgerKey(dataDir: dir)
        let witness = try await WitnessProcess(following: logKey)
        defer { witness.stop() }
        let policy = try Self.write("log \(logKey)\nwitness w1 \(witness.vkey) \(witness.url)\nquorum w1\n")

        // A policy for another log is refused at start, with the line to add.
        let (_, otherLog) = try await WitnessProcess.ledgerKey(dataDir: CLITests.temporary())
        let foreign = try Self.write("log \(otherLog)\nwitness w1 \(witness.vkey) \(witness.url)\nquorum w1\n")
        let refused = try await CLITests.run(
            ["serve", "--demo", "--data-dir", dir, "--witness-policy", foreign], environment: env)
        #expect(refused.status != 0)
        #expect(refused.err.contains("names no log with this service's key: add the line\n  log \(logKey)"), "\(refused.err)")

        let service = try await CrashTests.Server.start(
            arguments: ["--data-dir", dir, "--witness-policy", policy], environment: env, port: TestPort.unused())
        defer { service.stop() }
        let key = try #require(service.key)
        try await service.waitUntilReady(key: key)
        let parsed = try WitnessPolicy(try String(contentsOfFile: policy, encoding: .utf8))
        func witnessed(size: UInt64) async throws -> Bool {
            for _ in 0..<100 {
                let (_, data) = try await service.request("GET", "/v1/ledger/checkpoint", key: key)
                let verdict = parsed.verify(String(decoding: data, as: UTF8.self))
                if verdict?.checkpoint.size == size && verdict?.quorumMet == true { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        for s in ["p-1", "p-2", "p-3"] {
            _ = try await service.json("POST", "/v1/disclosures", key: key, body: DiscloseCommandTests.line(s))
        }
        #expect(try await witnessed(size: 3))
        let pass = try await CLITests.run(["verify", "--data-dir", dir, "--witness-policy", policy], environment: env)
        #expect(pass.status == 0, "\(pass.out)\(pass.err)")
        #expect(pass.out.contains("witnesses:    size 3: w1 cosigned; quorum w1 met"), "\(pass.out)")

        // The person's receipts, checked offline with the published keys alone.
        let (status, data) = try await service.request("GET", "/v1/subjects/p-1/disclosures?format=bundle", key: key)
        #expect(status == 200)
        let receipts = CLITests.temporary() + ".json"
        try data.write(to: URL(fileURLWithPath: receipts))
        let checked = try await CLITests.run(["verify-receipt", receipts, "--witness-policy", policy])
        #expect(checked.status == 0, "\(checked.out)\(checked.err)")
        #expect(
            checked.out.contains("checkpoint:   discreet.local/ledger, size 3, signed by discreet.local/ledger"), "\(checked.out)"
        )
        #expect(checked.out.contains("witnesses:    w1 cosigned; quorum met"), "\(checked.out)")
        #expect(checked.out.contains("entry 0:      included ("), "\(checked.out)")
        #expect(
            checked.out.contains(
                "OK: 1 entry about p-1 is in the ledger under a checkpoint its key signed, cosigned by the witnesses' quorum"),
            "\(checked.out)")
        print(checked.out)
        // The key in the file is not trusted: without one of the person's own, nothing is checked.
        let keyless = try await CLITests.run(["verify-receipt", receipts])
        #expect(keyless.status != 0)
        #expect(keyless.err.contains("The bundle names \(logKey)"), "\(keyless.err)")
        #expect(try await CLITests.run(["verify-receipt", receipts, "--log-key", logKey]).status == 0)
        // One byte of the entry changed: that entry fails, and the whole.
        var bundle = try ReceiptBundle(json: Array(data))
        bundle.entries[0].bytes[10] ^= 0x01
        try Data(JSONWriter.encode(bundle.json)).write(to: URL(fileURLWithPath: receipts))
        let tampered = try await CLITests.run(["verify-receipt", receipts, "--witness-policy", policy])
        #expect(tampered.status == 1)
        #expect(
            tampered.out.contains("entry 0:      FAILED: its inclusion proof does not lead to the checkpoint's root"),
            "\(tampered.out)")

        // The witness goes away; the log grows: its newest checkpoint lacks the quorum.
        witness.stop()
        _ = try await service.json("POST", "/v1/disclosures", key: key, body: DiscloseCommandTests.line("p-4"))
        #expect(try await service.request("GET", "/v1/ledger/checkpoint", key: key).0 == 200)
        let lagging = try await CLITests.run(["verify", "--data-dir", dir, "--witness-policy", policy], environment: env)
        #expect(lagging.status == 1)
        #expect(
            lagging.out.contains("FAILED: the newest checkpoint (size 4) lacks the quorum w1; the newest that has it is size 3"),
            "\(lagging.out)")
        service.stop()

        // The size-3 cosignature copied onto the newest checkpoint (the store is append-only, but
        // its cosignatures are not the ledger): named as failing, never counted.
        let db = try DatabaseQueue(path: dir + "/discreet.sqlite")
        try await db.write { db in
            try db.execute(
                sql: "INSERT INTO cosignatures (size, witness, line) SELECT 4, witness, line FROM cosignatures WHERE size = 3")
        }
        let forged = try await CLITests.run(["verify", "--data-dir", dir, "--witness-policy", policy], environment: env)
        #expect(forged.status == 1)
        #expect(forged.out.contains("w1 FAILS"), "\(forged.out)")
        #expect(forged.out.contains("FAILED: a cosignature that does not verify, claimed for w1"), "\(forged.out)")
    }
}
