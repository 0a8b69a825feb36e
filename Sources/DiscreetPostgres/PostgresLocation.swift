import Foundation
import PostgresNIO

/// Where the PostgreSQL store lives: `postgres://user@host:port/database` (or `postgresql://`),
/// with the password kept out of the URL, and so out of `ps`, shell history and logs (the CLI reads
/// it with `StorePassword`). A password written in the URL is refused.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    /// `?sslmode=disable` for loopback and tests; otherwise TLS is required.
    public var requireTLS: Bool

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
        for item in parts.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): requireTLS = false
            case ("sslmode", "require"), ("sslmode", "verify-full"): requireTLS = true
            default: throw .invalid("unknown URL parameter; only sslmode=disable|require|verify-full is read")
            }
        }
        self.host = host
        self.port = parts.port ?? 5432
        self.username = user
        self.database = database
        self.requireTLS = requireTLS
    }

    /// The URL without any secret, for logs and messages.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)\(requireTLS ? "" : "?sslmode=disable")"
    }

    func configuration(password: String?) -> PostgresClient.Configuration {
        var c = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        c.options.maximumConnections = 16
        return c
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
