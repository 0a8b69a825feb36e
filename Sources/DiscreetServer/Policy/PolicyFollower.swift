import DiscreetPolicy
import DiscreetStore
import Logging
import ServiceLifecycle
import Synchronization

/// Replicas share one store but each holds its bundle in memory: a bundle installed through
/// another replica (`PUT /v1/policy` there) is put in force here within `interval`. The store is
/// asked for its newest revision (`currentPolicy`, source included); a newer one is parsed and
/// checked as an upload is (this replica must hold the upstream credentials its routes name). One
/// this replica cannot take (a newer discreet's bundle during a rolling upgrade, a credential not
/// mounted here) is refused loudly, once, and the revision in force stays. A single node on SQLite
/// runs none: its own uploads are the only ones.
public final class PolicyFollower: Service {
    let holder: PolicyHolder
    let store: any PolicyStore
    let upstreamSecrets: UpstreamSecrets
    let interval: Duration
    let logger: Logger
    /// The newest revision refused, so it is logged once, not every interval.
    let refused = Mutex<Int?>(nil)

    public init(
        holder: PolicyHolder, store: any PolicyStore, upstreamSecrets: UpstreamSecrets, interval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.holder = holder
        self.store = store
        self.upstreamSecrets = upstreamSecrets
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await follow()
        }
    }

    /// One look at the store; puts a newer revision in force when this replica can take it.
    public func follow() async {
        let stored: StoredPolicy?
        do {
            stored = try await store.currentPolicy()
        } catch {
            logger.warning("could not read the policy's newest revision", metadata: ["error": "\(type(of: error))"])
            return
        }
        let inForce = holder.active?.stored.revision ?? 0
        guard let stored, stored.revision > inForce, refused.withLock({ $0 }) != stored.revision else { return }
        do {
            let bundle = try BundleParser.parse(stored.source)
            let issues = upstreamSecrets.issues(for: bundle)
            if !issues.isEmpty { throw BundleValidationError(issues: issues) }
            holder.activate(bundle, stored: stored)
            logger.notice(
                "policy revision installed through another replica put in force",
                metadata: ["revision": "\(stored.revision)", "version": "\(stored.label)"])
        } catch {
            refused.withLock { $0 = stored.revision }
            logger.error(
                "policy revision refused by this replica; the one in force stays",
                metadata: ["revision": "\(stored.revision)", "in_force": "\(inForce)", "reason": "\(error)"])
        }
    }
}
