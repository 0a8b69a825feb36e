import DiscreetPolicy
import DiscreetStore
import Foundation
import Testing

@testable import DiscreetServer

/// Two policy uploads that race: the later-saved revision stays in force, and each answer names
/// its own revision.
@Suite struct PolicyHolderTests {
    /// A store whose next save is numbered as the test says, to replay an interleaving where a
    /// newer revision was activated while this upload was still between its save and activation.
    struct NumberedStore: PolicyStore {
        let revision: Int
        func savePolicy(label: String, digest: String, source: String, at: Date) async throws -> StoredPolicy {
            StoredPolicy(revision: revision, label: label, digest: digest, source: source, activatedAt: at)
        }
        func currentPolicy() async throws -> StoredPolicy? { nil }
    }

    static let bundle = try! BundleParser.parse(DemoPolicy.source)

    static func stored(_ revision: Int) -> StoredPolicy {
        StoredPolicy(revision: revision, label: "r\(revision)", digest: "d\(revision)", source: "", activatedAt: Date())
    }

    @Test func anOlderRevisionNeverReplacesANewerOne() {
        let holder = PolicyHolder()
        holder.activate(Self.bundle, stored: Self.stored(6))
        let older = holder.activate(Self.bundle, stored: Self.stored(5))
        #expect(older.stored.revision == 5)
        #expect(holder.active?.stored.revision == 6)
        holder.activate(Self.bundle, stored: Self.stored(7))
        #expect(holder.active?.stored.revision == 7)
    }

    @Test func anUploadOvertakenByANewerOneAnswersWithItsOwnRevision() async throws {
        let holder = PolicyHolder()
        holder.activate(Self.bundle, stored: Self.stored(6))
        let (answered, _) = try await holder.install(source: DemoPolicy.source, store: NumberedStore(revision: 5), now: Date())
        #expect(answered.stored.revision == 5)
        #expect(holder.active?.stored.revision == 6)
    }
}
