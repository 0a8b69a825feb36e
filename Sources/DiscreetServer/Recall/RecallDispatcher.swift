import Crypto
import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers open recalls to their providers' recall webhooks, signed as alerts are
/// (`X-Discreet-Timestamp`, `X-Discreet-Signature: sha256=<hex>` over `<timestamp>.<body>`, under
/// the secret the provider's `recall_webhook` names), and records each delivery in the ledger. A
/// webhook that is down or refuses is retried with exponential backoff; a provider with no webhook
/// leaves its recalls in the manual queue (`GET /v1/recalls?status=open`), looked at again each
/// `manualRecheck` in case one is configured.
///
/// Replicas share the work: each pass claims the recalls it tries (`claimDueRecalls`), so two
/// replicas never post the same recall at once.
public struct RecallDispatcher: Service {
    public struct Configuration: Sendable {
        public var pollInterval: Duration
        public var baseBackoff: TimeInterval
        public var maxBackoff: TimeInterval
        public var manualRecheck: TimeInterval
        public var timeout: TimeAmount
        /// How long a claimed recall is not due for other replicas: longer than an attempt.
        public var lease: TimeInterval
        /// A recall whose opened entry is still missing this long after opening (the service
        /// stopped between the withdrawal and its entries) gets it from here.
        public var openedGrace: TimeInterval
        /// How often expired consents are looked for.
        public var expirySweep: Duration

        public init(
            pollInterval: Duration = .milliseconds(500), baseBackoff: TimeInterval = 1, maxBackoff: TimeInterval = 300,
            manualRecheck: TimeInterval = 60, timeout: TimeAmount = .seconds(5), lease: TimeInterval = 30,
            openedGrace: TimeInterval = 30, expirySweep: Duration = .seconds(60)
        ) {
            self.expirySweep = expirySweep
            self.pollInterval = pollInterval
            self.baseBackoff = baseBackoff
            self.maxBackoff = maxBackoff
            self.manualRecheck = manualRecheck
            self.timeout = timeout
            self.lease = lease
            self.openedGrace = openedGrace
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var delivered = 0
        public var failed = 0
        /// Open recalls of providers with no webhook, left in the manual queue.
        public var manual = 0
        /// Opened entries appended for recalls that lacked them.
        public var openedLate = 0

        public init(delivered: Int = 0, failed: Int = 0, manual: Int = 0, openedLate: Int = 0) {
            self.delivered = delivered
            self.failed = failed
            self.manual = manual
            self.openedLate = openedLate
        }
    }

    let configuration: Configuration
    let services: DiscreetServices
    let logger: Logger

    public init(configuration: Configuration = .init(), services: DiscreetServices, logger: Logger) {
        self.configuration = configuration
        self.services = services
        self.logger = logger
    }

    public func run() async throws {
        var nextSweep = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if ContinuousClock.now >= nextSweep {
                _ = await sweepExpired()
                nextSweep = ContinuousClock.now + configuration.expirySweep
            }
            _ = await deliverDue()
            try? await Task.sleep(for: configuration.pollInterval)
        }
    }

    /// Opens the recalls of consents that expired (by the service's clock) since the last sweep:
    /// each consent's end is recorded once, with its recalls, in one transaction; their opening
    /// entries follow (or come from the next pass's late-opened step). Returns how many recalls.
    @discardableResult
    public func sweepExpired() async -> Int {
        let now = services.clock()
        guard let expired = try? await services.store.expiredConsentsNotEnded(now: now, limit: 64) else { return 0 }
        var opened = 0
        for consent in expired {
            let recalls = try? await services.store.endExpiredConsent(consent, at: consent.expiresAt) { entries, _ in
                RecallPlan.recalls(
                    ending: consent.id, cause: .consentExpired, subjectID: consent.subject, entries: entries, at: now,
                    makeID: { RecordID.make("rcl-", at: now) })
            }
            guard let recalls, !recalls.isEmpty else { continue }
            opened += recalls.count
            _ = await services.recordOpening(recalls)
            logger.info("consent expired: recalls opened", metadata: ["recalls": "\(recalls.count)"])
        }
        return opened
    }

    /// One pass: late opened entries first, then every recall due now.
    @discardableResult
    public func deliverDue() async -> Pass {
        var pass = Pass()
        let store = services.store
        let now = services.clock()
        if let late = try? await store.recallsWithoutOpenedEntry(
            openedBefore: now.addingTimeInterval(-configuration.openedGrace), limit: 32), !late.isEmpty
        {
            if (try? await services.record(.opened, of: late)) != nil { pass.openedLate = late.count }
        }
        // A few at a time, posted one after another: all of them end (each within `timeout`)
        // before their claim lapses, so no other replica posts them meanwhile.
        let claimable = max(1, Int(configuration.lease / max(Self.seconds(configuration.timeout), 1)) - 1)
        guard let due = try? await store.claimDueRecalls(now: now, lease: configuration.lease, limit: min(claimable, 8))
        else { return pass }
        for recall in due {
            let webhook: RecallWebhook?
            do {
                webhook = try await store.provider(id: recall.providerID)?.recallWebhook
            } catch {
                await failed(recall, now: now, error: "the store could not be read", pass: &pass)
                continue
            }
            guard let webhook else {
                pass.manual += 1
                try? await store.markRecallAttempt(
                    id: recall.id, attempts: recall.attempts, retryAt: now.addingTimeInterval(configuration.manualRecheck),
                    error: "the provider has no recall webhook: in the manual queue")
                continue
            }
            if let error = await post(recall, to: webhook, at: now) {
                await failed(recall, now: now, error: error, pass: &pass)
            } else if (try? await services.record(.delivered, of: [recall])) != nil {
                pass.delivered += 1
            } else {
                // Delivered, not yet recorded: posted again at the next attempt (the provider
                // sees the same recall id twice), never recorded as delivered without its entry.
                await failed(recall, now: now, error: "delivered; the ledger could not record it", pass: &pass)
            }
        }
        return pass
    }

    func failed(_ recall: Recall, now: Date, error: String, pass: inout Pass) async {
        pass.failed += 1
        let attempts = recall.attempts + 1
        let delay = min(configuration.baseBackoff * pow(2, Double(min(attempts - 1, 30))), configuration.maxBackoff)
        try? await services.store.markRecallAttempt(
            id: recall.id, attempts: attempts, retryAt: now.addingTimeInterval(delay), error: error)
        logger.warning(
            "recall not delivered",
            metadata: [
                "recall": "\(recall.id)", "provider": "\(recall.providerID)", "attempts": "\(attempts)", "error": "\(error)",
            ])
    }

    static func seconds(_ t: TimeAmount) -> TimeInterval { Double(t.nanoseconds) / 1e9 }

    /// Nil when the webhook took the recall; otherwise why not (never a secret, never a value).
    func post(_ recall: Recall, to webhook: RecallWebhook, at now: Date) async -> String? {
        let body = JSONWriter.encode(recall.json(showingSubject: false))
        switch webhook {
        case .url(let url, let name):
            guard let secret = try? services.upstreamSecrets.secret(name) else {
                return "the recall webhook's secret '\(name)' cannot be had"
            }
            return await SignedPost.send(
                body, to: url, secret: SymmetricKey(data: Array(secret.utf8)), at: now, timeout: configuration.timeout)
        case .route(let id, let path):
            // The route as the bundle in force has it now: its upstream, its credential.
            guard let route = services.policy.active?.engine.bundle.gateway[id], route.provider == recall.providerID,
                route.direction == .egress
            else { return "the gateway route '\(id)' is not one of this provider's egress routes in the bundle in force" }
            let header: (name: String, value: String)?
            do {
                header = try services.upstreamSecrets.header(for: route.auth)
            } catch {
                return "the gateway route '\(id)' has no credential to present"
            }
            return await SignedPost.send(
                body, to: route.upstream + path, secret: nil, headers: header.map { [$0] } ?? [], at: now,
                timeout: configuration.timeout)
        }
    }
}
