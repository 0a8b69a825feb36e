import DiscreetPolicy
import DiscreetStore
import GRDB
import Synchronization

/// What every decision reads (provider, subject, consents), kept decoded in memory so that a
/// disclosure does not read and parse JSON documents from SQLite each time.
///
/// Invariant: an answer from the cache is never older than the last committed write. Every
/// transaction that touches `providers`, `subjects` or `consents`, whichever code path wrote it,
/// is seen by `RegistryChangeObserver` at commit, which bumps `generation` and empties the cache
/// before the writer's call returns; so a request that starts after a withdrawal's answer can only
/// see state read after it (DESIGN §7.4). A reader that loaded state under an older generation does
/// not store it. This holds because this process is the store's only writer (the embedded store
/// is not shared between processes).
final class DecisionStateCache: Sendable {
    /// Entries kept at most per kind; past it an arbitrary one is dropped (hostile subject ids
    /// cannot grow memory).
    let capacity: Int

    private struct State {
        var generation: UInt64 = 0
        var providers: [String: Provider?] = [:]
        var subjects: [String: SubjectState] = [:]
    }

    struct SubjectState {
        var subject: Subject?
        var consents: [Consent]
    }

    private let state = Mutex(State())

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The cached state, or the generation to tag a fresh read with.
    func lookup(providerID: String, subjectID: String) -> (hit: DecisionState?, generation: UInt64) {
        state.withLock { s in
            guard let provider = s.providers[providerID], let subject = s.subjects[subjectID] else {
                return (nil, s.generation)
            }
            return (DecisionState(provider: provider, subject: subject.subject, consents: subject.consents), s.generation)
        }
    }

    /// Keeps state read from the store, unless a write committed since `generation` was taken.
    func store(_ value: DecisionState, providerID: String, subjectID: String, generation: UInt64) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.providers[providerID] == nil, s.providers.count >= capacity { s.providers.remove(at: s.providers.startIndex) }
            s.providers[providerID] = .some(value.provider)
            if s.subjects[subjectID] == nil, s.subjects.count >= capacity { s.subjects.remove(at: s.subjects.startIndex) }
            s.subjects[subjectID] = SubjectState(subject: value.subject, consents: value.consents)
        }
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    var count: (providers: Int, subjects: Int) { state.withLock { ($0.providers.count, $0.subjects.count) } }

    /// Forgets everything: a registry write committed.
    func invalidate() {
        state.withLock { s in
            s.generation &+= 1
            s.providers.removeAll()
            s.subjects.removeAll()
        }
    }
}

/// Sees every committed change to the registry tables on the writer connection and invalidates
/// the cache. Ledger appends and other tables pass unobserved.
final class RegistryChangeObserver: TransactionObserver {
    static let tables: Set<String> = ["providers", "subjects", "consents"]

    let cache: DecisionStateCache
    /// Touched only on the writer's queue, between a change and its commit or rollback.
    private var changed = false

    init(cache: DecisionStateCache) { self.cache = cache }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Self.tables.contains(eventKind.tableName) }

    func databaseDidChange(with event: DatabaseEvent) { changed = true }

    func databaseDidChange() { changed = true }

    func databaseDidCommit(_ db: Database) {
        guard changed else { return }
        changed = false
        cache.invalidate()
    }

    func databaseDidRollback(_ db: Database) { changed = false }
}
