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
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])
    /// Every request's pair, by its labels as they are: no key string is built per request.
    private let requests = Mutex<[RequestLabels: (count: CoreMetrics.Counter, duration: CoreMetrics.Timer)]>([:])

    private struct RequestLabels: Hashable {
        let route: String
        let method: String
        let status: Int
    }

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
        let labels = RequestLabels(route: route, method: method, status: status)
        let (count, duration) = requests.withLock { cache in
            if let pair = cache[labels] { return pair }
            let dims = [("route", route), ("method", method), ("status", String(status))]
            let pair = (
                count: CoreMetrics.Counter(label: "discreet_http_requests_total", dimensions: dims, factory: factory),
                duration: CoreMetrics.Timer(label: "discreet_http_request_duration_seconds", dimensions: dims, factory: factory)
            )
            cache[labels] = pair
            return pair
        }
        count.increment()
        duration.recordNanoseconds(nanoseconds)
    }

    /// What became of a request on a gateway route: `forwarded` (the upstream answered),
    /// `refused` (discreet answered it: bad input, a suspended provider, no ledger),
    /// `upstream-unreachable` or `upstream-timeout`. Route ids come from the bundle, not requests.
    func recordGateway(route: String, result: String) {
        counter("discreet_gateway_requests_total", [("route", route), ("result", result)]).increment()
    }

    /// Time from sending upstream to the answer's head, per route.
    func recordUpstreamLatency(route: String, nanoseconds: Int64) {
        timer("discreet_gateway_upstream_duration_seconds", [("route", route)]).recordNanoseconds(nanoseconds)
    }

    /// What became of a submission to a witness (`WitnessAnswer`'s cases, `unreachable` when no
    /// answer came), and each alarm by reason. Witness names come from the operator's policy file.
    func recordWitness(_ witness: String, result: String, alarm: Bool) {
        counter("discreet_witness_submissions_total", [("witness", witness), ("result", result)]).increment()
        if alarm { counter("discreet_witness_alarms_total", [("witness", witness), ("reason", result)]).increment() }
    }

    /// The size of the newest checkpoint the witness cosigned.
    func recordWitnessSize(_ witness: String, size: UInt64) {
        gauge("discreet_witness_cosigned_size", [("witness", witness)]).record(Int64(clamping: size))
    }

    /// Each labelled metric is made once, on first use, and kept: a label's values come from
    /// routes, statuses, bundles and the operator's files, never from a request's content.
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        Self.cached(counters, label, dimensions) { CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        Self.cached(timers, label, dimensions) { CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        Self.cached(gauges, label, dimensions) { CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory) }
    }

    private static func cached<Metric: Sendable>(
        _ cache: borrowing Mutex<[String: Metric]>, _ label: String, _ dimensions: [(String, String)],
        _ make: () -> Metric
    ) -> Metric {
        let key = dimensions.reduce(label) { $0 + " " + $1.0 + "=" + $1.1 }
        return cache.withLock { cache in
            if let metric = cache[key] { return metric }
            let metric = make()
            cache[key] = metric
            return metric
        }
    }

    /// The Prometheus text exposition of everything recorded.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
