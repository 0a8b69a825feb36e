import CoreMetrics
import DiscreetPolicy
import Prometheus
import Synchronization

/// What an operator watches: requests by route and status, disclosures and field decisions by
/// reason, ledger failures. Never an identifier or a value: labels are routes, codes and outcomes.
///
/// Each service has its own registry, so that tests running side by side do not share counts.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let fieldDecisions: [ReasonCode: CoreMetrics.Counter]
    private let disclosures: CoreMetrics.Counter
    private let refusedDisclosures: CoreMetrics.Counter
    private let ledgerFailures: CoreMetrics.Counter
    private let requests = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let gatewayCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let upstreamTimers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let witnessCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let witnessSizes = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
        var byReason: [ReasonCode: CoreMetrics.Counter] = [:]
        for reason in ReasonCode.allCases {
            byReason[reason] = CoreMetrics.Counter(
                label: "discreet_field_decisions_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        fieldDecisions = byReason
        disclosures = CoreMetrics.Counter(
            label: "discreet_disclosures_total", dimensions: [("result", "decided")], factory: factory)
        refusedDisclosures = CoreMetrics.Counter(
            label: "discreet_disclosures_total", dimensions: [("result", "refused")], factory: factory)
        ledgerFailures = CoreMetrics.Counter(label: "discreet_ledger_append_failures_total", factory: factory)
    }

    func recordDisclosure(_ decisions: [FieldDecision]) {
        disclosures.increment()
        for d in decisions { fieldDecisions[d.reason]?.increment() }
    }

    func recordRefusedDisclosure() { refusedDisclosures.increment() }

    func recordLedgerFailure() { ledgerFailures.increment() }

    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = "\(method) \(route) \(status)"
        let (counter, timer) = requests.withLock { cache in
            if let pair = cache[key] { return pair }
            let dims = [("route", route), ("method", method), ("status", String(status))]
            let pair = (
                CoreMetrics.Counter(label: "discreet_http_requests_total", dimensions: dims, factory: factory),
                CoreMetrics.Timer(label: "discreet_http_request_duration_seconds", dimensions: dims, factory: factory)
            )
            cache[key] = pair
            return pair
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }

    /// What became of a request on a gateway route: `forwarded` (the upstream answered),
    /// `refused` (discreet answered it: bad input, a suspended provider, no ledger),
    /// `upstream-unreachable` or `upstream-timeout`. Route ids come from the bundle, not requests.
    func recordGateway(route: String, result: String) {
        let key = route + " " + result
        let counter = gatewayCounters.withLock { cache in
            if let c = cache[key] { return c }
            let c = CoreMetrics.Counter(
                label: "discreet_gateway_requests_total", dimensions: [("route", route), ("result", result)], factory: factory)
            cache[key] = c
            return c
        }
        counter.increment()
    }

    /// Time from sending upstream to the answer's head, per route.
    func recordUpstreamLatency(route: String, nanoseconds: Int64) {
        let timer = upstreamTimers.withLock { cache in
            if let t = cache[route] { return t }
            let t = CoreMetrics.Timer(
                label: "discreet_gateway_upstream_duration_seconds", dimensions: [("route", route)], factory: factory)
            cache[route] = t
            return t
        }
        timer.recordNanoseconds(nanoseconds)
    }

    /// What became of a submission to a witness (`WitnessAnswer`'s cases, `unreachable` when no
    /// answer came), and each alarm by reason. Witness names come from the operator's policy file.
    func recordWitness(_ witness: String, result: String, alarm: Bool) {
        let labels =
            [("discreet_witness_submissions_total", "result")] + (alarm ? [("discreet_witness_alarms_total", "reason")] : [])
        for (label, dimension) in labels {
            let key = label + " " + witness + " " + result
            let counter = witnessCounters.withLock { cache in
                if let c = cache[key] { return c }
                let c = CoreMetrics.Counter(
                    label: label, dimensions: [("witness", witness), (dimension, result)], factory: factory)
                cache[key] = c
                return c
            }
            counter.increment()
        }
    }

    /// The size of the newest checkpoint the witness cosigned.
    func recordWitnessSize(_ witness: String, size: UInt64) {
        let gauge = witnessSizes.withLock { cache in
            if let g = cache[witness] { return g }
            let g = CoreMetrics.Gauge(
                label: "discreet_witness_cosigned_size", dimensions: [("witness", witness)], factory: factory)
            cache[witness] = g
            return g
        }
        gauge.record(Int64(clamping: size))
    }

    /// The Prometheus text exposition of everything recorded.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
