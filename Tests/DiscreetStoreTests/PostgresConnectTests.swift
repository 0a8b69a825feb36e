import DiscreetPostgres
import Foundation
import PostgresNIO
import Testing

/// Opening the store says what is wrong, within its deadline, instead of a pool retrying for
/// ever: a wrong password, a missing database, nothing listening, a certificate not trusted.
/// And with the server's CA named (`?sslrootcert=`), every connection is encrypted.
@Suite(.disabled(if: Backend.postgresURL == nil, "PostgreSQL is not configured (DISCREET_TEST_POSTGRES)"))
struct PostgresConnectTests {
    static let ca = Backend.environment["DISCREET_TEST_POSTGRES_CA"]

    func refusal(_ url: String, password: String?) async -> String? {
        do {
            let store = try await PostgresStore(
                location: try PostgresLocation(url: url), password: password, deadline: .seconds(5))
            await store.close()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aWrongPasswordAMissingDatabaseAndNothingListeningAreNamed() async throws {
        let base = try #require(Backend.postgresURL)
        let slash = try #require(base.lastIndex(of: "/"))
        let server = String(base[..<slash])
        let started = ContinuousClock.now
        let wrong = await refusal(base + "?sslmode=disable", password: "not the password")
        #expect(wrong?.contains("the server refused the user or its password") == true, "\(wrong ?? "opened")")
        #expect(wrong?.contains("not the password") == false)
        let missing = await refusal(server + "/no_such_database?sslmode=disable", password: try Backend.postgresPassword())
        #expect(missing?.contains("the database does not exist") == true, "\(missing ?? "opened")")
        let nobody = await refusal("postgres://discreet@127.0.0.1:1/d?sslmode=disable", password: nil)
        #expect(nobody?.contains("cannot connect (is PostgreSQL listening there?)") == true, "\(nobody ?? "opened")")
        // Each within its 5 s deadline, not a pool retrying for ever (loose: CI's loaded machine
        // once took 19 s for the three, with every other suite running beside them).
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test(.disabled(if: ca == nil, "the test server offers no TLS (DISCREET_TEST_POSTGRES_CA)"))
    func withTheServersCANamedEveryConnectionIsEncryptedAndWithoutItNoneIsMade() async throws {
        let base = try #require(Backend.postgresURL)
        let ca = try #require(Self.ca)
        let untrusted = await refusal(base, password: try Backend.postgresPassword())
        #expect(untrusted?.contains("the server's certificate is not trusted") == true, "\(untrusted ?? "opened")")
        #expect(untrusted?.contains("sslrootcert") == true)

        let database = try await Backend.createDatabase()
        var location = try PostgresLocation(url: base + "?sslrootcert=" + ca)
        location.database = database
        let store = try await PostgresStore(location: location, password: try Backend.postgresPassword())
        #expect(try await store.putProvider(.init(id: "acme", kind: "court")))
        #expect(try await store.provider(id: "acme")?.kind == "court")
        let (encrypted, plain) = try await Self.connections(to: database)
        #expect(encrypted > 0 && plain == 0, "\(encrypted) encrypted, \(plain) plain")
        await store.close()
        try? await Backend.dropDatabase(database)
    }

    @Test(.disabled(if: ca == nil, "the test server offers no TLS (DISCREET_TEST_POSTGRES_CA)"))
    func aRootCertificateFileThatHoldsNoneIsRefused() async throws {
        let base = try #require(Backend.postgresURL)
        let path = NSTemporaryDirectory() + "not-a-ca-\(UUID().uuidString).pem"
        try "not a certificate\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let refused = await refusal(base + "?sslrootcert=" + path, password: try Backend.postgresPassword())
        #expect(refused?.contains("sslrootcert: cannot read PEM certificates from \(path)") == true, "\(refused ?? "opened")")
    }

    /// How many connections to `database` are encrypted and how many are not (pg_stat_ssl).
    static func connections(to database: String) async throws -> (encrypted: Int, plain: Int) {
        let base = try PostgresLocation(url: try #require(Backend.postgresURL) + "?sslmode=disable")
        let config = PostgresClient.Configuration(
            host: base.host, port: base.port, username: base.username, password: try Backend.postgresPassword(),
            database: base.database, tls: .disable)
        let client = PostgresClient(configuration: config)
        return try await withThrowingTaskGroup(of: (Int, Int)?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            let rows = try await client.query(
                """
                SELECT COUNT(*) FILTER (WHERE s.ssl), COUNT(*) FILTER (WHERE NOT s.ssl)
                FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = \(database)
                """)
            for try await (encrypted, plain) in rows.decode((Int, Int).self) { return (encrypted, plain) }
            return (0, 0)
        }
    }
}
