import DiscreetStore
import Synchronization

/// Recently verified key records, so that a request does not read the store to authenticate.
///
/// Entries live `ttl` seconds: a key removed from the store stops working within that time. Only
/// the stored record (id, digest, roles) is cached; the presented key is still compared with the
/// digest in constant time on every request.
final class KeyCache: Sendable {
    let ttl: Duration
    private let entries = Mutex<[String: (record: APIKeyRecord, until: ContinuousClock.Instant)]>([:])

    init(ttl: Duration = .seconds(10)) { self.ttl = ttl }

    func record(id: String, load: () async throws -> APIKeyRecord?) async throws -> APIKeyRecord? {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[id] }), hit.until > now { return hit.record }
        guard let record = try await load() else { return nil }
        entries.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[id] = (record, now + ttl)
        }
        return record
    }
}
