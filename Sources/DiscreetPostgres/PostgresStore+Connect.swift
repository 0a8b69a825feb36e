import Logging
import NIOSSL
import PostgresNIO

extension PostgresStore {
    /// One connection of its own before the pool starts: the pool retries a refused connection
    /// for ever, so a wrong host, an untrusted certificate or a refused password would otherwise
    /// show as a replica hanging at start. This says which, within the deadline.
    static func checkConnection(
        _ location: PostgresLocation, password: String?, tls: TLSConfiguration?, deadline: Duration, logger: Logger
    ) async throws {
        let configuration = try location.connectionConfiguration(password: password, tls: tls)
        do {
            let connection = try await bounded(deadline) {
                try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            }
            try? await connection.close()
        } catch let error as PSQLError {
            throw PostgresCannotConnect(location: location, reason: reason(error))
        } catch is PostgresUnavailable {
            throw PostgresCannotConnect(location: location, reason: "no answer within \(deadline)")
        }
    }

    /// What an operator can act on; PostgresNIO's own text is kept vague on purpose.
    static func reason(_ error: PSQLError) -> String {
        switch error.code {
        case .sslUnsupported:
            return "the server does not offer TLS (add ?sslmode=disable only on a network no one else can reach)"
        case .authMechanismRequiresPassword:
            return "the server asks for a password: give DISCREET_STORE_PASSWORD_FILE or DISCREET_STORE_PASSWORD"
        case .server:
            switch error.serverInfo?[.sqlState] {
            case "28P01", "28000": return "the server refused the user or its password"
            case "3D000": return "the database does not exist"
            case let state: return "the server refused the connection (SQLSTATE \(state ?? "unknown"))"
            }
        default:
            if error.underlying is NIOSSLError || error.underlying is BoringSSLError {
                return "TLS failed: the server's certificate is not trusted for this host"
                    + " (name the CA that signed it with ?sslrootcert=/path/ca.pem)"
            }
            return "cannot connect (is PostgreSQL listening there?)"
        }
    }
}

/// The first connection failed, and why.
public struct PostgresCannotConnect: Error, CustomStringConvertible {
    public var location: PostgresLocation
    public var reason: String

    public var description: String { "cannot connect to \(location): \(reason)" }
}
