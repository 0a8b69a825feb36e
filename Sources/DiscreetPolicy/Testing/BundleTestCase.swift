import DiscreetJSON
import Foundation

/// A test case carried in a bundle, run by `discreet policy test` and `POST /v1/policy/validate`
/// against the bundle's fixtures.
public struct BundleTestCase: Sendable {
    public var name: String
    /// The instant the case is decided at; nil means "now", which the runner's caller supplies.
    public var at: Date?
    public var provider: String
    public var purpose: String
    public var subject: String
    public var recordType: String
    public var record: JSONObject
    public var recordTags: Set<String>
    public var exception: ExceptionInvocation?
    /// Concrete field path to what is expected of it.
    public var expect: [(field: String, expectation: Expectation)]
    /// The exact record expected to leave, when the case says.
    public var released: JSONObject?
    /// The notices expected with the release, exactly and in order (`[]`: none), when the case says.
    public var notices: [String]?
    /// Whether the disclosure is expected in an accounting limited to accountable purposes
    /// (`scope=hipaa`: 45 CFR 164.528 leaves out payment and operations), when the case says.
    public var accountable: Bool?
    /// A request through a gateway route instead: the route, provider, purpose and record type
    /// come from the route, the subject and the records from where it reads them.
    public var gateway: GatewayCase?

    /// A sample request on a route, and the exact body expected to be forwarded.
    public struct GatewayCase: Sendable {
        public var route: String
        /// The path after `/gateway/{route}` (or `/pull/{route}`), for a subject in a path parameter.
        public var path: String?
        public var headers: [String: String]
        public var body: JSONValue
        public var forwarded: JSONValue?

        public init(route: String, path: String?, headers: [String: String], body: JSONValue, forwarded: JSONValue?) {
            self.route = route
            self.path = path
            self.headers = headers
            self.body = body
            self.forwarded = forwarded
        }
    }

    /// An outcome, a reason code, the basis it was released on (`exception:serious-threat`), or
    /// any of them together.
    public struct Expectation: Sendable, Equatable, CustomStringConvertible {
        public var outcome: Outcome?
        public var reason: ReasonCode?
        public var basis: String?

        public init(outcome: Outcome?, reason: ReasonCode?, basis: String? = nil) {
            self.outcome = outcome
            self.reason = reason
            self.basis = basis
        }

        public func matches(_ d: FieldDecision) -> Bool {
            (outcome == nil || outcome == d.outcome) && (reason == nil || reason == d.reason)
                && (basis == nil || basis == d.basis)
        }

        public var description: String {
            [outcome?.rawValue, reason?.rawValue, basis.map { "on " + $0 }].compactMap { $0 }.joined(separator: "/")
        }
    }

    public init(
        name: String, at: Date?, provider: String, purpose: String, subject: String, recordType: String,
        record: JSONObject, recordTags: Set<String> = [], exception: ExceptionInvocation? = nil,
        expect: [(field: String, expectation: Expectation)], released: JSONObject? = nil, notices: [String]? = nil,
        accountable: Bool? = nil, gateway: GatewayCase? = nil
    ) {
        self.notices = notices
        self.accountable = accountable
        self.gateway = gateway
        self.released = released
        self.name = name
        self.at = at
        self.provider = provider
        self.purpose = purpose
        self.subject = subject
        self.recordType = recordType
        self.record = record
        self.recordTags = recordTags
        self.exception = exception
        self.expect = expect
    }
}
