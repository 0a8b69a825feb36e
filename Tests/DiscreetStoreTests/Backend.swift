import DiscreetPostgres
import DiscreetSQLite
import DiscreetStore
import Foundation
import Logging
import PostgresNIO
import Testing

/// The backends every store test runs on: a real SQLite file, and a real PostgreSQL database when
/// `DISCREET_TEST_POSTGRES` names a server (`eval "$(scripts/postgres start /tmp/discreet-pg)"`;
/// `.ci/run` does it and sets `DISCREET_REQUIRE_POSTGRES=1`, under which its absence fails).
enum Backend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let environment = ProcessInfo.processInfo.environment
    static let postgresURL = environment["DISCREET_TEST_POSTGRES"]
    static let required = environment["DISCREET_REQUIRE_POSTGRES"] == "1"

    static var all: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static func postgresPassword() throws -> String? {
        guard let path = environment["DISCREET_TEST_POSTGRES_PASSWORD_FILE"] else {
            return environment["DISCREET_TEST_POSTGRES_PASSWORD"]
        }
        return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
    }

    /// A store on an empty database of its own, and how to dispose of it.
    func open(signer: CheckpointSigner? = nil) async throws -> OpenStore {
        switch self {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "discreet-store-suite-" + UUID().uuidString
            // As on PostgreSQL below: behaviour, not speed.
            let store = try SQLiteStore(directory: directory, checkpointSigner: signer, ledgerDeadline: .seconds(30))
            return OpenStore(store: store) { try? FileManager.default.removeItem(atPath: directory) }
        case .postgres:
            let database = try await Self.createDatabase()
            // What the suite holds is behaviour, not speed: on two cores with every suite running,
            // 5 s (the service's deadline) was passed waiting for the pool; the outage tests hold
            // the deadline itself.
            let store = try await Self.postgres(database: database, signer: signer, deadline: .seconds(30))
            return OpenStore(store: store) {
                await store.close()
                try? await Self.dropDatabase(database)
            }
        }
    }

    /// A location on the test server naming `database`.
    static func location(database: String) throws -> PostgresLocation {
        var location = try PostgresLocation(url: try #require(postgresURL) + "?sslmode=disable")
        location.database = database
        return location
    }

    static func postgres(database: String, signer: CheckpointSigner? = nil, deadline: Duration = .seconds(5)) async throws
        -> PostgresStore
    {
        try await PostgresStore(
            location: location(database: database), password: postgresPassword(), checkpointSigner: signer, deadline: deadline)
    }

    /// Runs `sql` on `database`, by default the server's own test database (CREATE and DROP
    /// DATABASE cannot run in the database they name).
    static func admin(_ sql: String, database: String? = nil) async throws {
        var base = try PostgresLocation(url: try #require(postgresURL) + "?sslmode=disable")
        if let database { base.database = database }
        let config = PostgresClient.Configuration(
            host: base.host, port: base.port, username: base.username, password: try postgresPassword(), database: base.database,
            tls: .disable)
        let client = PostgresClient(configuration: config)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }

    static func createDatabase() async throws -> String {
        let name = "discreet_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin("CREATE DATABASE \(name)")
        return name
    }

    static func dropDatabase(_ name: String) async throws {
        try await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

struct OpenStore: Sendable {
    let store: any DiscreetStore
    let dispose: @Sendable () async -> Void
}

/// A checkpoint "signature" for tests: the size and root as text, so each note names its tree.
let testSigner: CheckpointSigner = { size, root in "test\n\(size)\n\(Data(root).base64EncodedString())\n" }
