import AsyncHTTPClient
import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Submits the service's signed checkpoints to its witnesses (C2SP tlog-witness) in the
/// background, and keeps the cosignatures they return: `old <size>`, the consistency proof from
/// the size the witness last cosigned, a blank line, the checkpoint. Disclosures never wait for
/// it: a witness that is down delays cosigning only.
///
/// Replicas share the witnesses' state in the store; a submission is a turn one replica takes
/// (`CosignatureStore.takeWitnessTurn`), so each size goes to a witness from one replica. An answer
/// that may mean the log showed two histories (a fork, a proof that does not verify, a forged
/// cosignature) raises an alarm: a critical log line, `discreet_witness_alarms_total`, and an
/// alert in the outbox for the alert webhook.
public final class WitnessClient: Service {
    public struct Configuration: Sendable {
        /// The witnesses to submit to: those of the witness policy that have a URL.
        public var witnesses: [WitnessPolicy.Witness]
        public var pollInterval: Duration
        /// How long a turn is held before another replica may take it (a replica that died mid-turn).
        public var turnLease: TimeInterval
        /// The first retry delay after a failure; each further failure doubles it, up to `maxBackoff`.
        public var baseBackoff: TimeInterval
        public var maxBackoff: TimeInterval
        /// How long after an alarm the witness is tried again (and the alarm raised again).
        public var alarmBackoff: TimeInterval
        public var timeout: TimeAmount

        public init(
            witnesses: [WitnessPolicy.Witness], pollInterval: Duration = .seconds(1), turnLease: TimeInterval = 60,
            baseBackoff: TimeInterval = 1, maxBackoff: TimeInterval = 300, alarmBackoff: TimeInterval = 900,
            timeout: TimeAmount = .seconds(10)
        ) {
            self.witnesses = witnesses.filter { $0.url != nil }
            self.pollInterval = pollInterval
            self.turnLease = turnLease
            self.baseBackoff = baseBackoff
            self.maxBackoff = maxBackoff
            self.alarmBackoff = alarmBackoff
            self.timeout = timeout
        }
    }

    /// What one turn came to, for each witness submitted to.
    public enum Outcome: Sendable, Equatable {
        /// The checkpoint of this size is cosigned (now, or already).
        case cosigned(size: UInt64)
        /// Another replica holds the turn, or a backoff runs.
        case notMyTurn
        /// An alarm was raised, with its reason.
        case alarm(String)
        /// The witness refused or could not be reached; tried again after a backoff.
        case failed(String)
    }

    let configuration: Configuration
    let store: any DiscreetStore
    let metrics: ServiceMetrics
    let clock: @Sendable () -> Date
    let logger: Logger
    /// This process's name for its turns.
    let owner = "replica-" + UUID().uuidString
    /// Consecutive failures per witness, for the backoff.
    let failures = Mutex<[String: Int]>([:])

    public init(
        configuration: Configuration, store: any DiscreetStore, metrics: ServiceMetrics,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = await submitCurrent()
            try? await Task.sleep(for: configuration.pollInterval)
        }
    }

    /// One pass: the newest checkpoint goes to every witness that has not cosigned it yet, all at
    /// once. Returns each submitted witness's outcome, by name.
    @discardableResult
    public func submitCurrent() async -> [String: Outcome] {
        let checkpoint: StoredCheckpoint
        let cosigned: Set<String>
        do {
            guard let current = try await store.currentCheckpoint(now: clock()) else { return [:] }
            checkpoint = current
            cosigned = Set(try await store.cosignatures(size: current.size).map(\.witness))
        } catch {
            logger.warning("witnesses: the store cannot be read", metadata: ["error": "\(type(of: error))"])
            return [:]
        }
        let due = configuration.witnesses.filter { !cosigned.contains($0.name) }
        return await withTaskGroup(of: (String, Outcome).self) { group in
            for witness in due {
                group.addTask { (witness.name, await self.turn(witness, checkpoint)) }
            }
            var out: [String: Outcome] = [:]
            for await (name, outcome) in group { out[name] = outcome }
            return out
        }
    }

    /// One witness's turn: at most two submissions, the second from the size a 409 names.
    func turn(_ witness: WitnessPolicy.Witness, _ seen: StoredCheckpoint) async -> Outcome {
        let now = clock()
        let taken: UInt64?
        do {
            taken = try await store.takeWitnessTurn(
                witness.name, owner: owner, now: now, until: now.addingTimeInterval(configuration.turnLease))
        } catch {
            return .failed("store")
        }
        guard var old = taken else { return .notMyTurn }
        // Read again under the turn: another replica's turn may have ended since `seen` was read,
        // with this size cosigned or the witness moved to a newer checkpoint than `seen`. Only the
        // log's newest checkpoint tells a witness ahead of the log from one ahead of `seen`.
        let checkpoint: StoredCheckpoint
        do {
            guard let current = try await store.currentCheckpoint(now: now) else { return .failed("store") }
            checkpoint = current
            if try await store.cosignatures(size: current.size).contains(where: { $0.witness == witness.name }) {
                try await store.endWitnessTurn(witness.name, owner: owner, size: nil, cosignature: nil, nextTurn: now)
                return .cosigned(size: current.size)
            }
        } catch {
            try? await store.endWitnessTurn(witness.name, owner: owner, size: nil, cosignature: nil, nextTurn: now)
            return .failed("store")
        }
        for _ in 0..<2 {
            let answer: WitnessAnswer?
            if old > checkpoint.size {
                // The witness holds a larger tree of this log than the log has: a rollback, or another history.
                answer = .fork(witnessSize: old)
            } else {
                answer = await submit(checkpoint, from: old, to: witness)
            }
            guard let answer else {
                return await fail(witness, "unreachable", size: nil)
            }
            switch answer {
            case .cosigned(let line, _):
                let cosignature = StoredCosignature(witness: witness.name, size: checkpoint.size, line: line)
                do {
                    try await store.endWitnessTurn(
                        witness.name, owner: owner, size: checkpoint.size, cosignature: cosignature, nextTurn: clock())
                } catch {
                    return .failed("store")
                }
                failures.withLock { $0[witness.name] = nil }
                metrics.recordWitness(witness.name, result: "cosigned", alarm: false)
                metrics.recordWitnessSize(witness.name, size: checkpoint.size)
                return .cosigned(size: checkpoint.size)
            case .behind(let size):
                metrics.recordWitness(witness.name, result: "behind", alarm: false)
                old = size
            case .fork(let size):
                return await alarm(witness, "fork", checkpoint, witnessSize: size)
            case .inconsistent:
                return await alarm(witness, "inconsistent", checkpoint, witnessSize: old)
            case .badCosignature:
                return await alarm(witness, "bad-cosignature", checkpoint, witnessSize: old)
            case .refused(let status):
                logger.error(
                    "a witness refuses this log's checkpoints: check its list of logs and this log's key",
                    metadata: ["witness": "\(witness.name)", "status": "\(status)"])
                return await fail(witness, "refused", size: nil)
            case .unavailable(let status):
                logger.warning("a witness is unavailable", metadata: ["witness": "\(witness.name)", "status": "\(status)"])
                return await fail(witness, "unavailable", size: nil)
            }
        }
        // Two 409s in one turn: the witness moved meanwhile; the next turn starts from its size.
        return await fail(witness, "behind", size: old)
    }

    /// The witness's answer, or nil when none came (refused connection, timeout).
    func submit(_ checkpoint: StoredCheckpoint, from old: UInt64, to witness: WitnessPolicy.Witness) async -> WitnessAnswer? {
        guard let url = witness.url, let body = SignedNote.split(checkpoint.note)?.text else { return nil }
        let proof: [[UInt8]]
        do {
            proof = try await consistencyProof(from: old, to: checkpoint.size)
        } catch WitnessClientError.missingSubtrees {
            logger.error(
                "a consistency proof cannot be assembled: the store lacks subtrees ('discreet verify' finds where)",
                metadata: ["from": "\(old)", "to": "\(checkpoint.size)"])
            return nil
        } catch {
            return nil
        }
        let request = AddCheckpoint(oldSize: old, proof: proof, note: checkpoint.note)
        var http = HTTPClientRequest(url: url.hasSuffix("/") ? url + "add-checkpoint" : url + "/add-checkpoint")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        http.body = .bytes(ByteBuffer(string: request.body))
        do {
            let response = try await HTTPClient.shared.execute(http, timeout: configuration.timeout)
            let answer = try await response.body.collect(upTo: 64 * 1024)
            return WitnessAnswer.read(
                status: Int(response.status.code), body: Array(answer.readableBytesView), request: request,
                checkpointSize: checkpoint.size, checkpointBody: body, key: witness.key)
        } catch {
            return nil
        }
    }

    /// The RFC 6962 consistency proof between two sizes, from the stored subtrees; none from 0
    /// or between equal sizes, as the spec has it.
    func consistencyProof(from old: UInt64, to size: UInt64) async throws -> [[UInt8]] {
        guard old > 0, old < size else { return [] }
        let ranges = ProofPlan.consistency(from: old, to: size)
        let stored = try await store.subtreeHashes(ProofPlan.subtrees(ranges))
        guard let hashes = ProofPlan.hashes(of: ranges, from: stored) else { throw WitnessClientError.missingSubtrees }
        return hashes
    }

    func fail(_ witness: WitnessPolicy.Witness, _ result: String, size: UInt64?) async -> Outcome {
        metrics.recordWitness(witness.name, result: result, alarm: false)
        let attempts = failures.withLock { f in
            f[witness.name, default: 0] += 1
            return f[witness.name]!
        }
        let delay = min(configuration.baseBackoff * pow(2, Double(min(attempts, 30) - 1)), configuration.maxBackoff)
        try? await store.endWitnessTurn(
            witness.name, owner: owner, size: size, cosignature: nil, nextTurn: clock().addingTimeInterval(delay))
        return .failed(result)
    }

    func alarm(_ witness: WitnessPolicy.Witness, _ reason: String, _ checkpoint: StoredCheckpoint, witnessSize: UInt64) async
        -> Outcome
    {
        metrics.recordWitness(witness.name, result: reason, alarm: true)
        logger.critical(
            "witness alarm: the witness does not cosign this log's history; it may have been shown another",
            metadata: [
                "witness": "\(witness.name)", "reason": "\(reason)", "size": "\(checkpoint.size)",
                "witness_size": "\(witnessSize)",
            ])
        let now = clock()
        let alert: JSONValue = [
            "type": "witness-alarm", "witness": .string(witness.name), "reason": .string(reason),
            "size": .number(String(checkpoint.size)), "witness_size": .number(String(witnessSize)),
            "checkpoint": .string(checkpoint.note), "raised_at": .string(RFC3339.format(now)),
        ]
        try? await store.enqueueAlert(JSONWriter.encode(alert, sortedKeys: true), at: now)
        try? await store.endWitnessTurn(
            witness.name, owner: owner, size: nil, cosignature: nil, nextTurn: now.addingTimeInterval(configuration.alarmBackoff))
        return .alarm(reason)
    }
}

enum WitnessClientError: Error {
    /// A subtree the proof needs is not stored: the store is damaged (`discreet verify` finds where).
    case missingSubtrees
}
