import DiscreetLedger
import DiscreetTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Two replicas on one PostgreSQL database submitting to one real `discreet witness serve`: each
/// checkpoint size goes to the witness from one replica, its cosignature is stored once, and
/// either replica serves it appended to the checkpoint.
@Suite(.disabled(if: testPostgresURL == nil, "PostgreSQL is not configured (DISCREET_TEST_POSTGRES)"))
struct ReplicaWitnessTests {
    @Test func eachSizeIsSubmittedOnceAndEitherReplicaServesItsCosignature() async throws {
        let (store, drop, _) = try await ReplicaTests.database()
        let secrets = CLITests.temporary()
        // The replicas share one ledger key, given here so the policy can name it before they start.
        let (env, logKey) = try await WitnessProcess.ledgerKey(dataDir: secrets, environment: ReplicaTests.storeEnvironment)
        let witness = try await WitnessProcess(following: logKey)
        defer { witness.stop() }
        let vkey = witness.vkey
        let policyFile = CLITests.temporary() + ".policy"
        let policyText = "log \(logKey)\nwitness w1 \(vkey) \(witness.url)\nquorum w1\n"
        try policyText.write(toFile: policyFile, atomically: true, encoding: .utf8)
        let policy = try WitnessPolicy(policyText)
        let arguments = ["--store", store, "--data-dir", secrets, "--witness-policy", policyFile]
        let a = try await CrashTests.Server.start(arguments: arguments, environment: env, port: TestPort.unused())
        defer { a.stop() }
        let key = try #require(a.key)
        try await a.waitUntilReady(key: key)
        let b = try await CrashTests.Server.start(arguments: arguments, environment: env, port: TestPort.unused())
        defer { b.stop() }
        try await b.waitUntilReady(key: key)

        // Disclosures through both, in rounds, each round waited on until witnessed.
        var sizes: Set<UInt64> = []
        for round in 0..<3 {
            for (i, replica) in [a, b, a, b].enumerated() {
                _ = try await replica.json(
                    "POST", "/v1/disclosures", key: key, body: DiscloseCommandTests.line("p-\(round)-\(i)"))
            }
            var served: [WitnessPolicy.Verdict?] = []
            for _ in 0..<200 {
                served = []
                for replica in [a, b] {
                    let (_, data) = try await replica.request("GET", "/v1/ledger/checkpoint", key: key)
                    served.append(policy.verify(String(decoding: data, as: UTF8.self)))
                }
                if served.allSatisfy({ $0?.quorumMet == true && $0?.checkpoint.size == UInt64(4 * (round + 1)) }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            for verdict in served {
                #expect(verdict?.quorumMet == true)
                #expect(verdict?.checkpoint.size == UInt64(4 * (round + 1)))
                if let v = verdict { sizes.insert(v.checkpoint.size) }
            }
        }
        #expect(sizes == [4, 8, 12])
        // The witness's own log: no size cosigned twice (a second replica submitting a size would
        // show as a second cosignature of it). The turn that prevents it is held by the store
        // suite (`CosignatureStoreTests`); timing here rarely lets a race through, so this is
        // what the witness saw, not the proof.
        let lines = witness.log.split(separator: "\n").filter { $0.contains("cosigned") }
        let cosignedSizes = lines.compactMap { line in
            line.firstRange(of: "size=").map { line[$0.upperBound...].prefix { $0.isNumber } }
        }
        #expect(cosignedSizes.count == Set(cosignedSizes).count, "\(lines)")
        #expect(cosignedSizes.contains("12"), "\(lines)")
        a.stop()
        b.stop()
        let verify = try await CLITests.run(
            ["verify", "--store", store, "--data-dir", secrets, "--witness-policy", policyFile], environment: env)
        #expect(verify.status == 0, "\(verify.out)\(verify.err)")
        #expect(verify.out.contains("size 12: w1 cosigned; quorum w1 met"), "\(verify.out)")
        await drop()
    }
}
