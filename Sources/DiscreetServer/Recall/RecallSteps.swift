import DiscreetStore
import Foundation

extension DiscreetServices {
    /// Appends `step` of each recall to the ledger in one transaction (each entry's commit moves
    /// its recall) and returns the recalls as they now stand.
    func record(_ step: RecallStep.Kind, of recalls: [Recall], keyID: String? = nil) async throws -> [Recall] {
        guard !recalls.isEmpty else { return [] }
        let now = clock()
        let entries = recalls.map { RecallEntry.make($0, step, at: now, keyID: keyID) }
        let receipts = try await store.append(entries.map(\.append))
        return zip(recalls, receipts).map { recall, receipt in
            var r = recall
            switch step {
            case .opened: r.openedIndex = r.openedIndex ?? receipt.index
            case .delivered:
                r.status = .delivered
                r.deliveredIndex = receipt.index
                r.deliveredAt = now
            case .acknowledged:
                r.status = .acknowledged
                r.acknowledgedIndex = receipt.index
                r.acknowledgedAt = now
            }
            return r
        }
    }

    /// Records the opening of recalls just opened. Should the append fail, the failure is counted
    /// and the recalls are returned as they are: the dispatcher appends their opened entries later
    /// (`recallsWithoutOpenedEntry`), so the withdrawal, expiry or erasure that opened them stands.
    func recordOpening(_ recalls: [Recall]) async -> [Recall] {
        do {
            return try await record(.opened, of: recalls)
        } catch {
            metrics.recordLedgerFailure()
            return recalls
        }
    }
}
