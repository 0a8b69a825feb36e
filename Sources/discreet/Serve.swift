import ArgumentParser
import Crypto
import DiscreetLedger
import DiscreetPolicy
import DiscreetSQLite
import DiscreetServer
import DiscreetStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service.",
        discussion: """
            Settings come from the flags, then DISCREET_* environment variables, then a YAML file given \
            with --config, then the defaults: each flag's long name is its key in the file and, upper-cased \
            with '_' for '-', its variable (--max-body-bytes: max-body-bytes, DISCREET_MAX_BODY_BYTES). \
            'discreet config check FILE' checks a file.

            Secrets are read from the environment or from files in <data-dir>/secrets, never from flags: \
            DISCREET_LEDGER_KEY (checkpoint signing key, base64 of 32 bytes), DISCREET_RECEIPT_KEY (consent \
            receipt signing key, base64 of 32 bytes), DISCREET_ALERT_SECRET (HMAC secret of --alert-webhook, \
            16 bytes or more), and each credential a gateway route names: DISCREET_UPSTREAM_<NAME> or the file \
            <data-dir>/secrets/upstreams/NAME (mode 0600).
            """)

    @Option(help: "A YAML file of settings, under the flags and DISCREET_* variables.") var config: String?
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Address to listen on (DISCREET_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (DISCREET_PORT; default 8080).") var port: Int?
    @Option(help: "A policy bundle (YAML or JSON) to put in force at start (DISCREET_POLICY).") var policy: String?
    @Flag(
        help: "Start with the demo policy and providers, and print a one-time admin key if there is none (DISCREET_DEMO).")
    var demo = false
    @Option(help: "Largest request body, in bytes (DISCREET_MAX_BODY_BYTES; default 1048576).") var maxBodyBytes: Int?
    @Option(help: "Seconds a connection has to send a complete request head (DISCREET_HEADER_TIMEOUT; default 10).")
    var headerTimeout: Int?
    @Option(help: "Seconds before an idle connection is closed (DISCREET_IDLE_TIMEOUT; default 60).") var idleTimeout: Int?
    @Option(help: "Connections served at once (DISCREET_MAX_CONNECTIONS; default 1024).") var maxConnections: Int?
    @Option(help: "trace, debug, info, notice, warning, error or critical (DISCREET_LOG_LEVEL; default info).")
    var logLevel: String?
    @Option(help: "text, or json: one JSON object a line, for a log shipper (DISCREET_LOG_FORMAT; default text).")
    var logFormat: String?
    @Option(
        help:
            "Address of the metrics listener (GET /metrics, no key): keep it internal (DISCREET_METRICS_HOST; default 127.0.0.1)."
    )
    var metricsHost: String?
    @Option(help: "Port of the metrics listener (DISCREET_METRICS_PORT; default 9464).") var metricsPort: Int?
    @Flag(help: "Do not start the metrics listener (DISCREET_NO_METRICS).") var noMetrics = false
    @Option(
        help:
            "A webhook that receives an alert for every exception disclosure, HMAC-signed with DISCREET_ALERT_SECRET (DISCREET_ALERT_WEBHOOK)."
    )
    var alertWebhook: String?
    @Option(
        help:
            "A witness policy (log, witness, group and quorum lines): each checkpoint goes to its witnesses that have a URL, and their cosignatures are kept and served (DISCREET_WITNESS_POLICY)."
    )
    var witnessPolicy: String?
    @Option(
        help:
            "Connections the gateway keeps open to each upstream at most; further requests wait for one (DISCREET_UPSTREAM_CONNECTIONS; default 64)."
    )
    var upstreamConnections: Int?
    @Option(help: "A PEM certificate chain: serve HTTPS with it (DISCREET_TLS_CERTIFICATE).") var tlsCertificate: String?
    @Option(help: "The PEM private key of --tls-certificate, mode 0600 (DISCREET_TLS_KEY).") var tlsKey: String?
    @Option(
        help:
            "A PEM CA: providers may authenticate on pull routes with a client certificate it issued, whose subject CN is the provider id (DISCREET_TLS_CLIENT_CA)."
    )
    var tlsClientCa: String?

    func run() async throws {
        let source = try await SettingsSource.load(file: config)
        try await ServeSettings(flags: self, source: source).start()
    }
}

extension ServeSettings {
    func start() async throws {
        let format = LineLogHandler.Format(rawValue: logFormat) ?? .text
        var logger = Logger(label: "discreet") { LineLogHandler(label: $0, format: format) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Both addresses are checked before anything is written or printed: a second `serve` on a
        // busy port must not store a key nobody will use, and must say which address is taken.
        try ListenAddress.ensureFree(host: host, port: port, flag: "--port")
        if !noMetrics { try ListenAddress.ensureFree(host: metricsHost, port: metricsPort, flag: "--metrics-port") }
        if let tls {
            try Self.checkKeyFileMode(tls.privateKey)
            do {
                _ = try ListenerTLS.configuration(tls)
            } catch let failure as ListenerTLS.Failure {
                throw CommandError(failure.description)
            }
        }
        var alertSecret: SymmetricKey?
        if alertWebhook != nil {
            guard let secret = ProcessInfo.processInfo.environment[AlertDispatcher.secretEnvironmentVariable],
                secret.utf8.count >= 16
            else {
                throw CommandError(
                    "--alert-webhook needs \(AlertDispatcher.secretEnvironmentVariable): a secret of 16 bytes or more")
            }
            alertSecret = SymmetricKey(data: Data(secret.utf8))
        }
        let (store, ledgerKey) = try await data.openStore()
        let witnesses = try witnessPolicy.map { try Self.loadWitnessPolicy($0, log: ledgerKey.verifier) }
        let secrets = try ServiceSecrets.loadOrCreate(at: data.secretPath)
        let holder = PolicyHolder()
        let now = Date()
        try await loadPolicy(holder, store: store, now: now)
        // Before any key is printed: a service that will not start must not hand one out.
        let upstreamSecrets = UpstreamSecrets(directory: data.upstreamSecretsDirectory)
        try checkGatewayCredentials(holder, upstreamSecrets, logger: logger)
        if demo { try await seedDemo(store: store) }
        try await bootstrapKey(store: store, now: now)
        let receipts = try await data.receipts()
        // Made last: a client that is never shut down traps when it is released.
        let upstreams = UpstreamClient(connectionsPerUpstream: upstreamConnections)
        var services = DiscreetServices(
            store: store, policy: holder, secrets: secrets, receipts: receipts,
            configuration: ServiceConfiguration(
                host: host, port: port, maxBodyBytes: maxBodyBytes, headerTimeoutSeconds: headerTimeout,
                idleTimeoutSeconds: idleTimeout, maxConnections: maxConnections, tls: tls),
            ledgerKey: ledgerKey.verifier, upstreams: upstreams, upstreamSecrets: upstreamSecrets)
        services.witnessPolicy = witnesses
        logger.info(
            "policy in force",
            metadata: ["revision": "\(holder.active!.stored.revision)", "version": "\(holder.active!.stored.label)"])
        let application: any Service
        do {
            application = try buildApplication(services, logger: logger)
        } catch {
            try? await upstreams.client.shutdown()
            throw CommandError("\(error)")
        }
        var listeners: [any Service] = [application, upstreams]
        if !noMetrics {
            listeners.append(buildMetricsApplication(services, host: metricsHost, port: metricsPort, logger: logger))
        }
        if data.storeURL != nil {
            // Replicas: a bundle installed through another one is put in force here within a second.
            listeners.append(
                PolicyFollower(holder: holder, store: store, upstreamSecrets: upstreamSecrets, logger: logger))
        }
        if let witnesses {
            listeners.append(
                WitnessClient(
                    configuration: .init(witnesses: witnesses.witnesses), store: store, metrics: services.metrics,
                    logger: logger))
            logger.info(
                "witnesses", metadata: ["submitting to": "\(witnesses.witnesses.filter { $0.url != nil }.map(\.name))"])
        }
        // Recalls reach the providers' webhooks, or wait in the manual queue.
        listeners.append(RecallDispatcher(services: services, logger: logger))
        if let alertWebhook, let alertSecret {
            listeners.append(
                AlertDispatcher(
                    configuration: .init(url: alertWebhook, secret: alertSecret), outbox: store, clock: { Date() },
                    logger: logger))
        }
        try await ServiceGroup(services: listeners, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
    }

    /// The witness policy names this service's own key among its logs: the same file then serves
    /// verifiers (`discreet verify --witness-policy`), and a file for another log is refused.
    static func loadWitnessPolicy(_ path: String, log: NoteVerifierKey) throws -> WitnessPolicy {
        let policy = try Verify.readPolicy(path)
        guard policy.logs.contains(where: { $0.key == log }) else {
            throw CommandError(
                "the witness policy \(path) names no log with this service's key: add the line\n  log \(log.encoded)")
        }
        guard policy.witnesses.contains(where: { $0.url != nil }) else {
            throw CommandError("the witness policy \(path) gives no witness a URL to submit checkpoints to")
        }
        return policy
    }

    /// `--policy` replaces the stored bundle when it differs; otherwise the stored one is used;
    /// with neither, `--demo` installs the demo bundle. With no policy at all the service does not start.
    func loadPolicy(_ holder: PolicyHolder, store: any DiscreetStore, now: Date) async throws {
        let current = try await store.currentPolicy()
        if let path = policy {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw CommandError("cannot read the policy file \(path)")
            }
            if let current, current.digest == PolicyHolder.digest(text) {
                holder.activate(try BundleParser.parse(text), stored: current)
            } else {
                _ = try await install(holder, text, store, now, from: path)
            }
        } else if let current {
            do {
                holder.activate(try BundleParser.parse(current.source), stored: current)
            } catch {
                throw CommandError("the stored policy (revision \(current.revision)) no longer validates:\n\(error)")
            }
        } else if demo {
            _ = try await install(holder, DemoPolicy.source, store, now, from: "the demo policy")
        } else {
            throw CommandError("no policy is in force: start with --policy FILE, or --demo")
        }
    }

    func install(_ holder: PolicyHolder, _ text: String, _ store: any DiscreetStore, _ now: Date, from: String) async throws
        -> Bool
    {
        do {
            _ = try await holder.install(source: text, store: store, now: now)
            return true
        } catch let error as BundleValidationError {
            throw CommandError("\(from) does not validate:\n\(error)")
        } catch let error as BundleTestsFailed {
            throw CommandError("\(from) fails its own tests:\n\(error)")
        }
    }

    /// Every credential the routes in force name must be there at start: a route whose credential
    /// is missing would answer 503 to every request, found only when traffic arrives.
    func checkGatewayCredentials(_ holder: PolicyHolder, _ secrets: UpstreamSecrets, logger: Logger) throws {
        guard let bundle = holder.active?.engine.bundle, !bundle.gateway.isEmpty else { return }
        let issues = secrets.issues(for: bundle)
        guard issues.isEmpty else {
            throw CommandError(
                "the gateway's credentials (in \(data.upstreamSecretsDirectory) or DISCREET_UPSTREAM_*):\n"
                    + issues.map { "  \($0.path): \($0.message)" }.joined(separator: "\n"))
        }
        logger.info("gateway routes in force", metadata: ["routes": "\(bundle.gateway.keys.sorted())"])
    }

    /// A TLS key others may read is no longer a secret: refused, as the data directory's secrets are.
    static func checkKeyFileMode(_ path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { throw CommandError("cannot read the TLS key file \(path)") }
        guard mode & 0o077 == 0 else {
            throw CommandError(
                "the TLS key file \(path) may be read by other accounts (mode \(String(mode, radix: 8))): run chmod 600 \(path)")
        }
    }

    /// Registers the demo providers when there are none.
    func seedDemo(store: any DiscreetStore) async throws {
        guard try await store.providers().isEmpty else { return }
        let bundle = try BundleParser.parse(DemoPolicy.source)
        for provider in bundle.fixtures.providers.values { _ = try await store.putProvider(provider) }
    }

    /// The way in: when the store has no key, in every mode, a one-time bootstrap key is made and
    /// printed (an operator reads it in the container's log); otherwise the log says how to make
    /// another.
    func bootstrapKey(store: any DiscreetStore, now: Date) async throws {
        let create = "discreet keys create \(data.storeArguments) --role ROLE"
        let roles: [Role] = demo ? [.admin, .consentManager, .discloser, .auditor] : [.admin]
        let (key, record) = APIKeys.generate(roles: roles, label: demo ? "demo admin" : "bootstrap admin", now: now)
        // One step, not a count then an insert: replicas starting together make one key between them.
        guard try await store.insertFirstKey(record) else {
            announce("discreet: keys already exist in \(data.storeName); create another with: \(create)")
            return
        }
        let names = roles.map(\.description).joined(separator: ", ")
        let shown = """

            discreet: no API key existed in \(data.storeName), so here is a one-time admin key (roles \(names)).
            It is shown only now; only its digest is stored.

                export DISCREET_KEY=\(key)

            """
        guard demo else {
            announce(shown + "Keys for apps and people: \(create) (roles: \(Role.named.joined(separator: ", "))).\n")
            return
        }
        let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        announce(
            shown
                + """

                A first disclosure, to the debt collector 'recouvra':

                    curl -s -X POST \(base)/v1/disclosures -H "Authorization: Bearer $DISCREET_KEY" \\
                      -H 'Content-Type: application/json' \\
                      -d '{"provider":"recouvra","purpose":"debt-collection","subject":"p-1","record_type":"patient","record":{"name":"Ana Souza","birth_date":"1984-02-29","phone":"+33612345678","address":{"street":"12 rue des Lilas","city":"Lyon","postal_code":"69003"},"amount_due":120.5,"diagnosis":"F32.1"}}'

                """)
    }
}

/// Prints to standard output at once: a banner must not sit in a pipe's buffer while the server runs.
func announce(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
