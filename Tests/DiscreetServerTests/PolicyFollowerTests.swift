import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import DiscreetServer

/// A replica follows the store's newest bundle revision: a newer valid one is put in force; one
/// it cannot take (it does not parse here, or names a credential not mounted here) is refused once
/// and the revision in force stays.
@Suite struct PolicyFollowerTests {
    /// A store whose newest revision the test sets.
    final class Newest: PolicyStore {
        let stored = Mutex<StoredPolicy?>(nil)
        let reads = Mutex(0)
        func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy {
            fatalError("not used")
        }
        func currentPolicy() async throws -> StoredPolicy? {
            reads.withLock { $0 += 1 }
            return stored.withLock { $0 }
        }
        func set(_ revision: Int, _ source: String) {
            stored.withLock {
                $0 = StoredPolicy(
                    revision: revision, label: "r\(revision)", digest: "d\(revision)", source: source, activatedAt: Date())
            }
        }
    }

    @Test func aNewerRevisionIsTakenAndOneThisReplicaCannotTakeIsRefusedAndTheOldStays() async throws {
        let holder = PolicyHolder()
        holder.activate(
            try BundleParser.parse(DemoPolicy.source),
            stored: StoredPolicy(revision: 1, label: "r1", digest: "d1", source: DemoPolicy.source, activatedAt: Date()))
        let store = Newest()
        let follower = PolicyFollower(
            holder: holder, store: store, upstreamSecrets: UpstreamSecrets(directory: nil, environment: [:]),
            logger: Logger(label: "test"))

        store.set(1, DemoPolicy.source)
        await follower.follow()
        #expect(holder.active?.stored.revision == 1)

        let changed = DemoPolicy.source.replacingOccurrences(of: "contact.phone: { mask: 4 }", with: "contact.phone: { mask: 3 }")
        #expect(changed != DemoPolicy.source)
        store.set(2, changed)
        await follower.follow()
        #expect(holder.active?.stored.revision == 2)
        #expect(holder.active?.stored.source == changed)

        store.set(3, "not: [a bundle")
        await follower.follow()
        #expect(holder.active?.stored.revision == 2)
        #expect(follower.refused.withLock { $0 } == 3)

        let needsCredential = GatewayFixture.bundle(
            recouvra: "http://127.0.0.1:1", facturo: "http://127.0.0.1:1", ehr: "http://127.0.0.1:1", slow: "http://127.0.0.1:1")
        #expect(!UpstreamSecrets(directory: nil, environment: [:]).issues(for: try BundleParser.parse(needsCredential)).isEmpty)
        store.set(4, needsCredential)
        await follower.follow()
        #expect(holder.active?.stored.revision == 2)
        #expect(follower.refused.withLock { $0 } == 4)
    }
}
