import DiscreetLedger
import DiscreetStore
import Foundation

/// What the routes work with: the store, the policy in force, the service's secret, the clock and
/// the limits. Built once by `main` (or a test) and handed to `buildApplication`.
public struct DiscreetServices: Sendable {
    public var store: any DiscreetStore
    public var policy: PolicyHolder
    public var secrets: ServiceSecrets
    /// The only clock the service reads; tests fix it.
    public var clock: @Sendable () -> Date
    public var configuration: ServiceConfiguration
    public var metrics: ServiceMetrics
    /// The key that signs checkpoints, as published; nil when the store signs none.
    public var ledgerKey: NoteVerifierKey?
    /// Signs consent receipts.
    public var receipts: ConsentReceipts
    /// The gateway's HTTP client and the credentials it presents upstream.
    public var upstreams: UpstreamClient
    public var upstreamSecrets: UpstreamSecrets
    /// Tokens issued so far, kept in memory (they never change once issued).
    public var tokens = TokenBook()
    /// The witnesses the service submits its checkpoints to, and the quorum a receipt bundle's
    /// checkpoint should meet; nil without `--witness-policy`.
    public var witnessPolicy: WitnessPolicy?

    public init(
        store: any DiscreetStore, policy: PolicyHolder, secrets: ServiceSecrets, receipts: ConsentReceipts,
        clock: @escaping @Sendable () -> Date = { Date() }, configuration: ServiceConfiguration = .init(),
        metrics: ServiceMetrics = ServiceMetrics(), ledgerKey: NoteVerifierKey? = nil,
        upstreams: UpstreamClient = .shared, upstreamSecrets: UpstreamSecrets = UpstreamSecrets(directory: nil)
    ) {
        self.upstreams = upstreams
        self.upstreamSecrets = upstreamSecrets
        self.metrics = metrics
        self.ledgerKey = ledgerKey
        self.receipts = receipts
        self.store = store
        self.policy = policy
        self.secrets = secrets
        self.clock = clock
        self.configuration = configuration
    }

    /// Runs a store call, answering 503 when the store fails.
    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let p as Problem {
            throw p
        } catch {
            throw Problem.storeUnavailable
        }
    }

    /// What the store holds, or 404 naming what was looked for (503 when the store fails).
    func found<T>(_ what: String, _ load: () async throws -> T?) async throws -> T {
        guard let value = try await storeCall(load) else { throw Problem.notFound(what) }
        return value
    }

    func activePolicy() throws -> PolicyHolder.Active {
        guard let active = policy.active else { throw Problem.policyNotLoaded }
        return active
    }
}
