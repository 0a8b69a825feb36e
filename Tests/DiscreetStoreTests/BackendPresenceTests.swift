import Testing

/// Where PostgreSQL is required (CI), its absence is a failure, not a smaller suite.
@Suite struct BackendPresenceTests {
    @Test func postgreSQLIsThereWhereItIsRequired() {
        if Backend.required {
            #expect(Backend.postgresURL != nil, "DISCREET_REQUIRE_POSTGRES=1 but DISCREET_TEST_POSTGRES is not set")
            #expect(
                Backend.environment["DISCREET_TEST_POSTGRES_CA"] != nil,
                "DISCREET_REQUIRE_POSTGRES=1 but DISCREET_TEST_POSTGRES_CA is not set (the TLS tests would be skipped)")
        }
    }

    /// Reported as skipped, with how to run it, when no PostgreSQL server is named.
    @Test(
        .enabled(
            if: Backend.postgresURL != nil,
            "PostgreSQL is not configured: the store suite ran on SQLite only. Run eval \"$(scripts/postgres start /tmp/discreet-pg | sed 's/^/export /')\" first."
        ))
    func theStoreSuiteRunsOnPostgreSQL() {
        #expect(Backend.all == [.sqlite, .postgres])
    }
}
