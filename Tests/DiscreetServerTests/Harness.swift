import Crypto
import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A real service over a real SQLite file in a fresh directory, with the demo policy, the demo
/// providers, one key per role, a clock the test moves, and a log the test can read.
final class Harness: Sendable {
    let directory: String
    let store: SQLiteStore
    let services: DiscreetServices
    let keys: [String: String]
    let clock = TestClock()
    let logs = LogCapture()

    static let origin = "discreet.test/ledger"

    /// What the suites hold is behaviour, not speed: on two cores with every suite running, an
    /// append can wait longer than the service's 5 s. The tests of the deadline pass their own
    /// (and each request's store budget is set to it).
    static let ledgerDeadline: Duration = .seconds(30)
    static let ledgerKey = NoteSigningKey(name: origin, privateKey: try! .init(rawRepresentation: Data(repeating: 5, count: 32)))

    static let roles = [
        "admin", "consent-manager", "discloser", "exception-officer", "auditor", "provider:recouvra", "provider:facturo",
    ]

    init(
        maxBodyBytes: Int = 1 << 20, headerTimeoutSeconds: Int = 10, port: Int = 8080, directory: String? = nil,
        upstreamSecrets: UpstreamSecrets = UpstreamSecrets(directory: nil, environment: [:]),
        tls: ServiceConfiguration.TLSFiles? = nil, ledgerDeadline: Duration = Harness.ledgerDeadline
    ) async throws {
        self.directory = directory ?? NSTemporaryDirectory() + "discreet-test-" + UUID().uuidString
        store = try SQLiteStore(
            directory: self.directory, checkpointSigner: LedgerSigningKey.signer(Self.ledgerKey, origin: Self.origin),
            ledgerDeadline: ledgerDeadline)
        let holder = PolicyHolder()
        let clock = self.clock
        _ = try await holder.install(source: DemoPolicy.source, store: store, now: clock.now)
        for provider in try BundleParser.parse(DemoPolicy.source).fixtures.providers.values {
            _ = try await store.putProvider(provider, at: clock.now)
        }
        var keys: [String: String] = [:]
        for role in Self.roles {
            let (key, record) = APIKeys.generate(roles: [Role(role)!], label: role, now: Date())
            try await store.insertKey(record)
            keys[role] = key
        }
        self.keys = keys
        var configuration = ServiceConfiguration(
            port: port, maxBodyBytes: maxBodyBytes, headerTimeoutSeconds: headerTimeoutSeconds, tls: tls)
        // A request under the whole run's load is given the time its append is.
        configuration.storeDeadline = ledgerDeadline
        services = DiscreetServices(
            store: store, policy: holder, secrets: ServiceSecrets(master: SymmetricKey(data: Data(repeating: 9, count: 32))),
            receipts: await ConsentReceipts(
                privateKey: try .init(rawRepresentation: Data(repeating: 6, count: 32)), controller: "clinic.test"),
            clock: { clock.now },
            configuration: configuration,
            ledgerKey: Self.ledgerKey.verifier, upstreamSecrets: upstreamSecrets)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func advance(seconds: TimeInterval) { clock.value.withLock { $0 = $0.addingTimeInterval(seconds) } }

    var app: some ApplicationProtocol {
        get throws {
            try application
        }
    }

    private var application: some ApplicationProtocol {
        get throws {
            var logger = Logger(label: "test") { _ in LogCaptureHandler(capture: self.logs) }
            logger.logLevel = .trace
            return try buildApplication(services, logger: logger)
        }
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends a request as `role` (nil: no key) and returns status and parsed JSON body.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as role: String?, _ harness: Harness, json: JSONValue? = nil,
        raw: String? = nil, contentType: String = "application/json", headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields) {
        var headers = extra
        if let role { headers[.authorization] = "Bearer \(harness.keys[role]!)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: JSONWriter.encode(json))
            headers[.contentType] = contentType
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = contentType
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            let bytes = Array(response.body.readableBytesView)
            // Bytes (a tile) are never read as JSON, even when they happen to parse as it.
            let binary = response.headers[.contentType] == "application/octet-stream"
            let parsed =
                bytes.isEmpty
                ? JSONValue.null
                : ((binary ? nil : try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self)))
            return (response.status, parsed, response.headers)
        }
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
    subscript(_ index: Int) -> JSONValue? {
        guard let a = arrayValue, index < a.count else { return nil }
        return a[index]
    }
}

/// Every log line, with its metadata, as text.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct LogCaptureHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }
}

/// A patient record as a clinic would send it, full of values that must never rest.
enum Sample {
    static let record: JSONValue = [
        "name": "Zelda Quixote-Marsh", "birth_date": "1979-11-03", "phone": "+33699887766",
        "national_id": "2840229123456",
        "address": ["street": "7 impasse Vermeer", "city": "Valognes", "postal_code": "50700"],
        "amount_due": .number("431.77"), "diagnosis": "F33.2 recurrent", "therapy_notes": "dreams of lighthouses",
        "treatments": [["code": "H0020", "substance_program": "buprenorphine-Q7"]],
    ]
    static let values = [
        "Zelda", "Quixote", "1979-11-03", "99887766", "2840229123456", "Vermeer", "Valognes", "431.77", "F33.2",
        "lighthouses", "buprenorphine",
    ]

    static func disclosure(provider: String = "recouvra", purpose: String = "debt-collection", subject: String = "p-1")
        -> JSONValue
    {
        [
            "provider": .string(provider), "purpose": .string(purpose), "subject": .string(subject), "record_type": "patient",
            "record": record,
        ]
    }
}

/// The service's only clock, moved by the test.
final class TestClock: Sendable {
    let value = Mutex(RFC3339.parse("2026-06-01T09:00:00Z")!)
    var now: Date { value.withLock { $0 } }
}
