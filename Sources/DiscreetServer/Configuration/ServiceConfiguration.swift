/// How the HTTP service is exposed and bounded.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes (default 1 MiB).
    public var maxBodyBytes: Int
    /// Seconds a connection may take to deliver a complete request head, from its opening or the
    /// end of its previous response; a slow client is then disconnected.
    public var headerTimeoutSeconds: Int
    /// Seconds a connection may stay idle (nothing read or written) before it is closed.
    public var idleTimeoutSeconds: Int
    /// Connections served at once; further ones wait in the accept backlog.
    public var maxConnections: Int
    /// The largest consent import, in bytes: it is read as it streams, so this bounds time, not memory.
    public var maxImportBytes: Int
    /// The time a request's store calls and ledger append share (`StoreBudget`), from the first:
    /// with the database away or stalled, the request is answered 503 within it.
    public var storeDeadline: Duration = .seconds(5)
    /// TLS for the listener; nil serves plain HTTP (behind a terminating proxy, or on loopback).
    public var tls: TLSFiles?

    /// PEM files: the certificate chain and its key, and, to let providers authenticate on pull
    /// routes by client certificate, the CA that issues theirs.
    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String
        public var clientCA: String?

        public init(certificateChain: String, privateKey: String, clientCA: String? = nil) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, headerTimeoutSeconds: Int = 10,
        idleTimeoutSeconds: Int = 60, maxConnections: Int = 1024, maxImportBytes: Int = 256 << 20, tls: TLSFiles? = nil
    ) {
        self.tls = tls
        self.maxImportBytes = maxImportBytes
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }
}
