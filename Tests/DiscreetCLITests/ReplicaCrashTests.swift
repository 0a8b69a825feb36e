import DiscreetLedger
import DiscreetTestSupport
import Foundation
import Synchronization
import Testing

extension ReplicaTests {
    /// Answers one replica's clients got, and whether any was refused.
    final class Answers: Sendable {
        let receipts = Mutex<[(index: UInt64, leaf: [UInt8])]>([])
        let refusals = Mutex<[String]>([])
        var count: Int { receipts.withLock { $0.count } }
    }

    /// Clients disclosing through `replica` until `stop` says so or the replica stops answering.
    static func clients(
        _ n: Int, on replica: CrashTests.Server, key: String, into answers: Answers, until stop: @escaping @Sendable () -> Bool
    ) -> Task<Void, Never> {
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-3","record_type":"patient","record":{"name":"Ana Souza"}}"#
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        while !stop() {
                            guard let (status, data) = try? await replica.request("POST", "/v1/disclosures", key: key, body: body)
                            else { return }  // the replica is gone
                            guard status == 200, let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                                let receipt = Self.receipt(json)
                            else {
                                answers.refusals.withLock { $0.append("\(status) \(String(decoding: data, as: UTF8.self))") }
                                return
                            }
                            answers.receipts.withLock { $0.append(receipt) }
                        }
                    }
                }
            }
        }
    }

    /// The crash test's twin on replicas: a replica SIGKILLed in the middle of a burst (its batch
    /// perhaps holding the ledger's row lock) loses no disclosure it acknowledged, the other goes on
    /// answering every request, and the ledger stays gap-free; the killed one comes back and continues.
    @Test func aReplicaKilledDuringABurstLosesNoAcknowledgedDisclosureAndTheOtherKeepsServing() async throws {
        let pair = try await Self.pair()
        defer { pair.stop() }
        let (a, b, key, store, secrets, drop) = (pair.a, pair.b, pair.key, pair.store, pair.secrets, pair.drop)

        // Four clients on each; A is killed once A's clients hold 100 receipts (work done, not
        // time spent), B's go on until they hold 200 more after the kill.
        let fromA = Answers()
        let fromB = Answers()
        let stopB = Mutex(false)
        let onA = Self.clients(4, on: a, key: key, into: fromA) { false }
        let onB = Self.clients(4, on: b, key: key, into: fromB) { stopB.withLock { $0 } }
        for _ in 0..<6_000 where fromA.count < 100 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(fromA.count >= 100, "replica A did not answer")
        a.kill()
        await onA.value
        let atKill = fromB.count
        for _ in 0..<6_000 where fromB.count < atKill + 200 { try await Task.sleep(for: .milliseconds(10)) }
        stopB.withLock { $0 = true }
        await onB.value
        #expect(fromB.count >= atKill + 200, "replica B stopped answering after A was killed")
        #expect(fromB.refusals.withLock { $0 }.isEmpty, "B refused: \(fromB.refusals.withLock { $0.prefix(3) })")

        // Every receipt from either is in the ledger at its index, once.
        let receipts = fromA.receipts.withLock { $0 } + fromB.receipts.withLock { $0 }
        #expect(Set(receipts.map(\.index)).count == receipts.count, "an index given twice")
        let shown = try await CLITests.run(["keys", "show", "--data-dir", secrets]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let verifier = try #require(NoteVerifierKey(encoded: shown))
        let (status, note) = try await b.request("GET", "/v1/ledger/checkpoint", key: key)
        #expect(status == 200)
        let checkpoint = try Checkpoint.open(String(decoding: note, as: UTF8.self), verifier: verifier)
        #expect(checkpoint.size >= UInt64(receipts.count))
        for r in receipts {
            let proof = try await b.json("GET", "/v1/ledger/proof/inclusion?index=\(r.index)&size=\(checkpoint.size)", key: key)
            let hashes = (proof["proof"] as? [String] ?? []).compactMap { Data(base64Encoded: $0) }.map { Array($0) }
            #expect(throws: Never.self) {
                try ProofVerifier.verifyInclusion(
                    leafHash: r.leaf, index: r.index, size: checkpoint.size, proof: hashes, root: checkpoint.root)
            }
        }

        // A restarted on its secrets continues the one ledger after B's last entry.
        let again = try await Self.replica(store: store, secrets: secrets, port: TestPort.unused())
        defer { again.stop() }
        try await again.waitUntilReady(key: key)
        let body =
            #"{"provider":"recouvra","purpose":"debt-collection","subject":"p-3","record_type":"patient","record":{"name":"Ana Souza"}}"#
        let next = try await again.json("POST", "/v1/disclosures", key: key, body: body)
        #expect(Self.receipt(next)?.index == checkpoint.size)
        again.stop()
        b.stop()
        try await Self.verify(store: store, secrets: secrets)
        await drop()
    }
}
