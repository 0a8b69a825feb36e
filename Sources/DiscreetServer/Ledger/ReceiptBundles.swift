import DiscreetLedger
import DiscreetStore
import Foundation

extension DiscreetServices {
    /// The newest checkpoint (signed now if the log grew) with the witnesses' cosignatures of it
    /// appended as further signature lines (C2SP tlog-cosignature): what `/v1/ledger/checkpoint`
    /// and the tiles' `/checkpoint` serve.
    func cosignedCheckpoint() async throws -> String {
        let checkpoint = try await found("checkpoint: this service signs none") {
            try await store.currentCheckpoint(now: clock())
        }
        let cosignatures = try await storeCall { try await store.cosignatures(size: checkpoint.size) }
        return checkpoint.cosigned(by: cosignatures)
    }

    /// Entries proven per store call: each needs O(log n) subtrees.
    static let proofBatch = 256

    /// A bundle proving `entries` under one signed checkpoint that covers them all: the newest
    /// that meets the witness policy's quorum when the service has one, else the newest.
    func receiptBundle(subject: String, entries: [LedgerEntry]) async throws -> ReceiptBundle {
        guard let ledgerKey else { throw Problem.notFound("checkpoint: this service signs none") }
        // The newest checkpoint covers every entry stored so far (signed now if the log grew).
        _ = try await storeCall { try await store.currentCheckpoint(now: clock()) }
        let notes = try await storeCall { try await store.witnessedNotes() }
        let needed = UInt64(entries.map(\.index).max().map { $0 + 1 } ?? 0)
        var chosen: (note: String, checkpoint: Checkpoint)?
        for note in notes {
            guard let checkpoint = try? Checkpoint.open(note, verifier: ledgerKey), checkpoint.size >= needed else { continue }
            if chosen == nil { chosen = (note, checkpoint) }
            guard let witnessPolicy else { break }
            if witnessPolicy.verify(note)?.quorumMet == true {
                chosen = (note, checkpoint)
                break
            }
        }
        guard let chosen else { throw Problem.storeUnavailable }
        var proven: [ReceiptBundle.Entry] = []
        proven.reserveCapacity(entries.count)
        let size = chosen.checkpoint.size
        for start in stride(from: 0, to: entries.count, by: Self.proofBatch) {
            let batch = entries[start..<min(start + Self.proofBatch, entries.count)]
            let ranges = batch.map { ProofPlan.inclusion(index: UInt64($0.index), size: size) }
            let stored = try await storeCall { try await store.subtreeHashes(ProofPlan.subtrees(ranges.flatMap { $0 })) }
            for (e, r) in zip(batch, ranges) {
                guard let proof = ProofPlan.hashes(of: r, from: stored) else { throw Problem.storeUnavailable }
                proven.append(ReceiptBundle.Entry(index: UInt64(e.index), bytes: e.entry, proof: proof))
            }
        }
        return ReceiptBundle(
            subject: subject, checkpoint: chosen.note, entries: proven, logKey: ledgerKey.encoded,
            witnessPolicy: witnessPolicy?.text)
    }
}
