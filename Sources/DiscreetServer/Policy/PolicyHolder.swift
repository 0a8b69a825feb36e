import Crypto
import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Synchronization

/// The bundle in force, swapped atomically when a new one is accepted. A request decides under
/// the snapshot it took at its start.
public final class PolicyHolder: Sendable {
    public struct Active: Sendable {
        public let engine: DecisionEngine
        public let stored: StoredPolicy
        /// Each gateway route's definition digest, computed once rather than on every request.
        public let routeDigests: [String: String]
        /// The law each basis is written from (`exception:serious-threat` → `45 CFR 164.512(j)`),
        /// named in the answers beside the decisions that rest on it; computed once.
        public let basisCitations: [String: String]

        init(engine: DecisionEngine, stored: StoredPolicy) {
            self.engine = engine
            self.stored = stored
            routeDigests = engine.bundle.gateway.mapValues(\.definitionDigest)
            basisCitations = engine.bundle.basisCitations
        }
    }

    private let current = Mutex<Active?>(nil)

    public init() {}

    public var active: Active? { current.withLock { $0 } }

    /// Puts `bundle` in force unless a newer revision already is, and returns what this call
    /// built. Revisions are numbered by the store in the order they were saved, so two uploads
    /// that race end with the later-saved one in force, whichever finishes first.
    @discardableResult
    public func activate(_ bundle: PolicyBundle, stored: StoredPolicy) -> Active {
        let active = Active(engine: DecisionEngine(bundle: bundle), stored: stored)
        current.withLock { current in
            if let c = current, c.stored.revision > stored.revision { return }
            current = active
        }
        return active
    }

    /// Validates `source`, runs its tests at `now`, stores it as a new revision and puts it in
    /// force. An invalid bundle, one `check` refuses (it throws `BundleValidationError`), or one
    /// whose tests fail, changes nothing.
    public func install(
        source: String, format: BundleFormat = .yaml, store: some PolicyStore, now: Date,
        check: (PolicyBundle) throws -> Void = { _ in }
    ) async throws -> (Active, [BundleTestRunner.CaseResult]) {
        let bundle = try BundleParser.parse(source, format: format)
        try check(bundle)
        let results = BundleTestRunner.run(bundle, now: now)
        if results.contains(where: { !$0.passed }) { throw BundleTestsFailed(results: results) }
        let stored = try await store.savePolicy(label: bundle.version, digest: Self.digest(source), source: source, at: now)
        // This upload's own revision, even when a newer one raced past it and stays in force.
        return (activate(bundle, stored: stored), results)
    }

    public static func digest(_ source: String) -> String {
        ByteText.hex(SHA256.hash(data: Data(source.utf8)))
    }
}

/// A bundle whose own tests fail is refused.
public struct BundleTestsFailed: Error, CustomStringConvertible {
    public var results: [BundleTestRunner.CaseResult]

    public var description: String {
        results.filter { !$0.passed }.map { "\($0.name):\n  " + $0.failures.joined(separator: "\n  ") }.joined(separator: "\n")
    }
}
