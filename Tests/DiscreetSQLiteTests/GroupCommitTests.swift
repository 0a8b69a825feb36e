import Crypto
import DiscreetLedger
import DiscreetSQLite
import DiscreetStore
import Foundation
import Testing

@Suite struct GroupCommitTests {
    let directory = NSTemporaryDirectory() + "discreet-group-" + UUID().uuidString
    static let key = NoteSigningKey(name: "t/ledger", privateKey: try! .init(rawRepresentation: Data(repeating: 3, count: 32)))
    static let signer: CheckpointSigner = { size, root in
        try Checkpoint(origin: "t/ledger", size: size, root: root).signed(with: key)
    }

    @Test func concurrentAppendsGetDistinctIndicesAndOneConsistentTree() async throws {
        let store = try SQLiteStore(directory: directory, checkpointSigner: Self.signer, ledgerDeadline: TestDeadline.ledger)
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        let receipts = try await withThrowingTaskGroup(of: LedgerReceipt.self) { group in
            for i in 0..<300 {
                group.addTask {
                    try await store.append(
                        LedgerAppend(
                            disclosureID: "d-\(i)", subjectID: "s-\(i % 7)", providerID: "p", purpose: "u", recordedAt: t0,
                            entry: Array("{\"n\":\(i)}".utf8)))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.index)) == Set(0..<300))
        // Every receipt's checkpoint includes its entry.
        for r in receipts {
            let note = try #require(r.checkpoint)
            let checkpoint = try Checkpoint.open(note, verifier: Self.key.verifier)
            #expect(checkpoint.size > UInt64(r.index))
        }
        // Fewer checkpoints stored than batches: at most one a second, plus the first.
        #expect(try await store.checkpoints().count == 1)
        // The tree the store keeps is the tree of its entries, in index order.
        var range = CompactRange()
        for i in 0..<300 {
            let e = try #require(try await store.entry(index: Int64(i)))
            #expect(RFC6962.leafHash(e.entry) == e.leafHash)
            _ = range.append(leafHash: e.leafHash)
        }
        let head = try await store.treeHead()
        #expect(head.size == 300)
        #expect(head.root == range.root)
        // And it survives a restart: the right edge is rebuilt from stored subtrees.
        let reopened = try SQLiteStore(directory: directory, checkpointSigner: Self.signer, ledgerDeadline: TestDeadline.ledger)
        #expect(try await reopened.treeHead().root == range.root)
        let next = try await reopened.append(
            LedgerAppend(
                disclosureID: "d-300", subjectID: "s", providerID: "p", purpose: "u", recordedAt: t0, entry: [0x7B, 0x7D]))
        #expect(next.index == 300)
        let checkpoint = try #require(try await reopened.currentCheckpoint(now: t0))
        #expect(checkpoint.size == 301)
    }

    @Test func aCheckpointIsStoredAtLeastEverySecondWhileEntriesArrive() async throws {
        let store = try SQLiteStore(directory: directory, checkpointSigner: Self.signer, ledgerDeadline: TestDeadline.ledger)
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        // Ten entries 300 ms apart: stored at 0 s, 1.2 s, 2.4 s (the first batch after each second).
        for i in 0..<10 {
            _ = try await store.append(
                LedgerAppend(
                    disclosureID: "d-\(i)", subjectID: "s", providerID: "p", purpose: "u",
                    recordedAt: t0.addingTimeInterval(Double(i) * 0.3), entry: Array("{\"n\":\(i)}".utf8)))
        }
        let stored = try await store.checkpoints()
        #expect(stored.map(\.size) == [1, 5, 9])
        for c in stored { #expect(try Checkpoint.open(c.note, verifier: Self.key.verifier).size == c.size) }
        // On demand: the tree grew since, so a new one is signed and kept.
        #expect(try await store.currentCheckpoint(now: t0.addingTimeInterval(3))?.size == 10)
        #expect(try await store.checkpoints().count == 4)
        // And not again while it has not grown.
        _ = try await store.currentCheckpoint(now: t0.addingTimeInterval(9))
        #expect(try await store.checkpoints().count == 4)
    }
}
