import ArgumentParser
import Configuration
import DiscreetServer
import Foundation
import Logging
import SystemPackage

/// Where `serve`'s settings come from, highest first: its flags, then `DISCREET_*` environment
/// variables, then a YAML file (`--config`), then the defaults in each flag's help. Each setting has
/// one name everywhere: the flag's long name (`max-body-bytes`), as a file key
/// (`max-body-bytes: 2097152`) and as a variable (`DISCREET_MAX_BODY_BYTES`).
///
/// Values are read as text and converted here, so that a value of the wrong kind is an error that
/// names the setting and both places it may come from, never a silent fall back to the default.
struct SettingsSource {
    let reader: ConfigReader?
    let file: String?

    /// Every setting's name: the file's keys are checked against these.
    static let names: Set<String> = [
        "host", "port", "data-dir", "store", "ledger-origin", "ledger-key-file", "policy", "demo", "max-body-bytes",
        "header-timeout", "idle-timeout", "max-connections", "log-level", "log-format", "metrics-host", "metrics-port",
        "no-metrics", "alert-webhook", "upstream-connections", "tls-certificate", "tls-key", "tls-client-ca",
        "witness-policy",
    ]

    /// The whole-number settings and the values a variable or the file may give them; `serve` and
    /// `config check` read them through `int(_:)`, so the two cannot disagree.
    static let ranges: [String: ClosedRange<Int>] = [
        "port": 1...65535, "metrics-port": 1...65535, "max-body-bytes": 1024...(1 << 30), "header-timeout": 1...3600,
        "idle-timeout": 1...86_400, "max-connections": 1...1_000_000, "upstream-connections": 1...10_000,
    ]

    static func environmentVariable(_ key: String) -> String {
        "DISCREET_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The environment alone when there is no file.
    static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> SettingsSource
    {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ["discreet"])
        ]
        if let file {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw CommandError("cannot read the configuration file \(file)")
            }
            try ConfigFileCheck.requireKnownKeys(file)
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
        }
        return SettingsSource(reader: ConfigReader(providers: providers), file: file)
    }

    func origin(_ key: String) -> String {
        (file.map { "\($0) key '\(key)' or " } ?? "") + Self.environmentVariable(key)
    }

    func string(_ key: String) -> String? {
        reader?.string(forKey: ConfigKey(key))
    }

    func int(_ key: String) throws -> Int? {
        guard let text = string(key), let range = Self.ranges[key] else { return nil }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            throw CommandError("\(origin(key)): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw CommandError("\(origin(key)): expected true or false")
        }
    }
}

/// `serve`'s settings once resolved (flag, else variable, else file, else default) and checked.
struct ServeSettings {
    var data: DataDirectoryOption
    var host: String
    var port: Int
    var policy: String?
    var demo: Bool
    var maxBodyBytes: Int
    var headerTimeout: Int
    var idleTimeout: Int
    var maxConnections: Int
    var logLevel: String
    var logFormat: String
    var metricsHost: String
    var metricsPort: Int
    var noMetrics: Bool
    var alertWebhook: String?
    var witnessPolicy: String?
    var upstreamConnections: Int
    var tls: ServiceConfiguration.TLSFiles?

    init(flags: Serve, source: SettingsSource) throws {
        var data = flags.data
        if data.dataDirFlag == nil { data.dataDirFlag = source.string("data-dir") }
        if data.storeFlag == nil { data.storeFlag = source.string("store") }
        if data.ledgerOriginFlag == nil { data.ledgerOriginFlag = source.string("ledger-origin") }
        if data.ledgerKeyFile == nil { data.ledgerKeyFile = source.string("ledger-key-file") }
        self.data = data
        host = flags.host ?? source.string("host") ?? "127.0.0.1"
        port = try flags.port ?? source.int("port") ?? 8080
        policy = flags.policy ?? source.string("policy")
        demo = try flags.demo || (source.bool("demo") ?? false)
        maxBodyBytes = try flags.maxBodyBytes ?? source.int("max-body-bytes") ?? 1 << 20
        headerTimeout = try flags.headerTimeout ?? source.int("header-timeout") ?? 10
        idleTimeout = try flags.idleTimeout ?? source.int("idle-timeout") ?? 60
        maxConnections = try flags.maxConnections ?? source.int("max-connections") ?? 1024
        logLevel = flags.logLevel ?? source.string("log-level") ?? "info"
        logFormat = flags.logFormat ?? source.string("log-format") ?? "text"
        metricsHost = flags.metricsHost ?? source.string("metrics-host") ?? "127.0.0.1"
        metricsPort = try flags.metricsPort ?? source.int("metrics-port") ?? 9464
        noMetrics = try flags.noMetrics || (source.bool("no-metrics") ?? false)
        alertWebhook = flags.alertWebhook ?? source.string("alert-webhook")
        witnessPolicy = flags.witnessPolicy ?? source.string("witness-policy")
        upstreamConnections = try flags.upstreamConnections ?? source.int("upstream-connections") ?? 64
        let certificate = flags.tlsCertificate ?? source.string("tls-certificate")
        let key = flags.tlsKey ?? source.string("tls-key")
        let clientCA = flags.tlsClientCa ?? source.string("tls-client-ca")
        switch (certificate, key) {
        case (let c?, let k?): tls = .init(certificateChain: c, privateKey: k, clientCA: clientCA)
        case (nil, nil):
            guard clientCA == nil else { throw CommandError("--tls-client-ca needs --tls-certificate and --tls-key") }
            tls = nil
        default: throw CommandError("--tls-certificate and --tls-key go together")
        }
        // A flag keeps the checks it always had (a variable or the file is held to `ranges`).
        guard (1...65535).contains(port), (1...65535).contains(metricsPort) else {
            throw CommandError("--port and --metrics-port must be 1 to 65535")
        }
        guard maxBodyBytes >= 1024 else { throw CommandError("--max-body-bytes must be at least 1024") }
        guard (1...10_000).contains(upstreamConnections) else {
            throw CommandError("--upstream-connections must be 1 to 10000")
        }
        guard headerTimeout > 0, idleTimeout > 0, maxConnections > 0 else {
            throw CommandError("timeouts and --max-connections must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw CommandError("unknown log level '\(logLevel)' (--log-level or \(source.origin("log-level")))")
        }
        guard LineLogHandler.Format(rawValue: logFormat) != nil else {
            throw CommandError("the log format is text or json (--log-format or \(source.origin("log-format")))")
        }
    }

    /// A file's value for `key` read as `serve` reads it (for `config check`).
    static func check(_ key: String, _ source: SettingsSource) throws {
        switch key {
        case _ where SettingsSource.ranges[key] != nil: _ = try source.int(key)
        case "demo", "no-metrics": _ = try source.bool(key)
        case "log-level":
            guard Logger.Level(rawValue: source.string(key) ?? "") != nil else {
                throw CommandError(
                    "\(source.origin(key)): expected \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case "log-format":
            guard LineLogHandler.Format(rawValue: source.string(key) ?? "") != nil else {
                throw CommandError("\(source.origin(key)): expected text or json")
            }
        default: break
        }
    }
}
