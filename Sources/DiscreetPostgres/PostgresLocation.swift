import Foundation
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL store lives: `postgres://user@host:port/database` (or `postgresql://`),
/// with the password kept out of the URL, and so out of `ps`, shell history and logs (the CLI reads
/// it with `StorePassword`). A password written in the URL is refused.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    /// `?sslmode=disable` for loopback and tests; otherwise TLS is required, and the server's
    /// certificate verified (chain and host name) whatever the mode says: `require` is read as
    /// `verify-full`, since an unverified server could be anyone.
    public var requireTLS: Bool
    /// `?sslrootcert=/path/ca.pem`: the certificates to trust instead of the system's (a private
    /// CA, or the server's own self-signed certificate).
    public var rootCertificates: String?

    public init(url: String) throws(PostgresLocationError) {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? "") else {
            throw .invalid("expected postgres://USER@HOST:PORT/DATABASE")
        }
        guard parts.password == nil else {
            throw .invalid(
                "the URL holds a password; give it in a file (DISCREET_STORE_PASSWORD_FILE) or DISCREET_STORE_PASSWORD")
        }
        guard let host = parts.host, !host.isEmpty else { throw .invalid("the URL names no host") }
        guard let user = parts.user, !user.isEmpty else { throw .invalid("the URL names no user (postgres://USER@HOST/DB)") }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw .invalid("the URL names no database") }
        var requireTLS = true
        var rootCertificates: String?
        for item in parts.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): requireTLS = false
            case ("sslmode", "require"), ("sslmode", "verify-full"): requireTLS = true
            case ("sslrootcert", let path?) where path.hasPrefix("/"): rootCertificates = path
            case ("sslrootcert", _): throw .invalid("sslrootcert must be an absolute path to PEM certificates")
            default:
                throw .invalid(
                    "unknown URL parameter; only sslmode=disable|require|verify-full and sslrootcert=/PATH are read")
            }
        }
        if !requireTLS, rootCertificates != nil {
            throw .invalid("sslrootcert with sslmode=disable: choose TLS or not")
        }
        self.host = host
        self.port = parts.port ?? 5432
        self.username = user
        self.database = database
        self.requireTLS = requireTLS
        self.rootCertificates = rootCertificates
    }

    /// The URL without any secret, for logs and messages.
    public var description: String {
        let query = requireTLS ? rootCertificates.map { "?sslrootcert=\($0)" } ?? "" : "?sslmode=disable"
        return "postgres://\(username)@\(host):\(port)/\(database)\(query)"
    }

    /// TLS as the URL asks, with full verification; nil when disabled.
    func tls() throws(PostgresLocationError) -> TLSConfiguration? {
        guard requireTLS else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificates {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificates))
            } catch {
                throw .invalid("sslrootcert: cannot read PEM certificates from \(rootCertificates)")
            }
        }
        return tls
    }

    /// The pool's configuration, with `tls` as `tls()` made it.
    func configuration(password: String?, tls: TLSConfiguration?) -> PostgresClient.Configuration {
        var c = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: tls.map { .require($0) } ?? .disable)
        c.options.maximumConnections = 16
        return c
    }

    /// The same, for one connection of its own (the check at start).
    func connectionConfiguration(password: String?, tls: TLSConfiguration?) throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: try tls.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
    }
}

public enum PostgresLocationError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): "--store: \(why)"
        }
    }
}
