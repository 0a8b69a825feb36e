import Crypto
import DiscreetJSON
import DiscreetStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers the alert outbox to a webhook: each alert is POSTed with an HMAC-SHA-256 signature
/// over `<timestamp>.<body>` (`X-Discreet-Timestamp`, `X-Discreet-Signature: sha256=<hex>`), and
/// stays in the outbox, retried with exponential backoff, until the webhook answers 2xx. A webhook
/// that is down delays alerts; it never blocks a disclosure nor loses an alert.
public struct AlertDispatcher: Service {
    public struct Configuration: Sendable {
        public var url: String
        public var secret: SymmetricKey
        /// How often the outbox is polled.
        public var pollInterval: Duration
        /// The first retry delay; each failure doubles it, up to `maxBackoff`.
        public var baseBackoff: TimeInterval
        public var maxBackoff: TimeInterval
        public var timeout: TimeAmount

        public init(
            url: String, secret: SymmetricKey, pollInterval: Duration = .milliseconds(500), baseBackoff: TimeInterval = 1,
            maxBackoff: TimeInterval = 300, timeout: TimeAmount = .seconds(5)
        ) {
            self.url = url
            self.secret = secret
            self.pollInterval = pollInterval
            self.baseBackoff = baseBackoff
            self.maxBackoff = maxBackoff
            self.timeout = timeout
        }
    }

    public static let secretEnvironmentVariable = "DISCREET_ALERT_SECRET"

    let configuration: Configuration
    let outbox: any AlertOutbox
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(configuration: Configuration, outbox: any AlertOutbox, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.configuration = configuration
        self.outbox = outbox
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = await deliverDue()
            try? await Task.sleep(for: configuration.pollInterval)
        }
    }

    /// One pass over the alerts due now; returns how many were delivered and how many failed.
    @discardableResult
    public func deliverDue() async -> (delivered: Int, failed: Int) {
        let now = clock()
        guard let due = try? await outbox.dueAlerts(now: now, limit: 32) else { return (0, 0) }
        var delivered = 0
        var failed = 0
        for alert in due {
            if let error = await post(alert.body, at: now) {
                failed += 1
                let attempts = alert.attempts + 1
                let delay = min(configuration.baseBackoff * pow(2, Double(attempts - 1)), configuration.maxBackoff)
                try? await outbox.markFailed(
                    alertID: alert.id, attempts: attempts, retryAt: now.addingTimeInterval(delay), error: error)
                logger.warning(
                    "alert not delivered", metadata: ["alert": "\(alert.id)", "attempts": "\(attempts)", "error": "\(error)"])
            } else {
                delivered += 1
                try? await outbox.markDelivered(alertID: alert.id, at: now)
            }
        }
        return (delivered, failed)
    }

    /// Nil when the webhook acknowledged the alert; otherwise why not.
    func post(_ body: [UInt8], at now: Date) async -> String? {
        await SignedPost.send(body, to: configuration.url, secret: configuration.secret, at: now, timeout: configuration.timeout)
    }

    /// The hex HMAC-SHA-256 of `<timestamp>.<body>`: what a receiver recomputes to trust an alert.
    public static func signature(_ body: [UInt8], timestamp: String, secret: SymmetricKey) -> String {
        SignedPost.signature(body, timestamp: timestamp, secret: secret)
    }
}
