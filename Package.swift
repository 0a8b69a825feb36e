// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "discreet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "discreet", targets: ["discreet"]),
        // For the Benchmarks package.
        .library(name: "DiscreetPolicy", targets: ["DiscreetPolicy"]),
        .library(name: "DiscreetJSON", targets: ["DiscreetJSON"]),
        .library(name: "DiscreetLedger", targets: ["DiscreetLedger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        // Already in the graph through Hummingbird; named for the header-timeout channel handler.
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        // Already in the graph through Hummingbird; named for the gateway's header allow-lists.
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        // serve's settings from a YAML file and DISCREET_* variables, under its flags.
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-system.git", exact: "1.8.1"),
        // TLS for the listener, and the subject of a provider's client certificate.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        // gzip and deflate bodies at the gateway, inflated with a bound.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
        // Replicas on PostgreSQL (issue 11): the pooled PostgresClient, no ORM.
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
    ],
    targets: [
        // Floor 1: pure. No clock, no file system, no sockets.
        .target(name: "DiscreetJSON", swiftSettings: strict),
        .target(
            name: "DiscreetPolicy",
            dependencies: [
                "DiscreetJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "DiscreetLedger",
            dependencies: ["DiscreetJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Floor 2: store protocols and plain values.
        .target(
            name: "DiscreetStore",
            dependencies: [
                "DiscreetPolicy", "DiscreetLedger", "DiscreetJSON",
                // The group commit's lock (GroupCommit).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Floor 3: the SQLite store and the HTTP server.
        .target(
            name: "DiscreetSQLite",
            dependencies: [
                "DiscreetStore", "DiscreetLedger",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Floor 3 too: the PostgreSQL store, for several replicas on one database.
        .target(
            name: "DiscreetPostgres",
            dependencies: [
                "DiscreetStore", "DiscreetLedger", "DiscreetJSON", "DiscreetPolicy",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "DiscreetServer",
            dependencies: [
                "DiscreetPolicy", "DiscreetLedger", "DiscreetStore", "DiscreetJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Floor 4: the CLI.
        .executableTarget(
            name: "discreet",
            dependencies: [
                "DiscreetServer", "DiscreetSQLite", "DiscreetPostgres", "DiscreetPolicy", "DiscreetStore", "DiscreetLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // A benchmark tool: the application with the durable or a no-op ledger (scripts/bench-ledger).
        .executableTarget(
            name: "DiscreetBenchServer",
            dependencies: [
                "DiscreetServer", "DiscreetSQLite", "DiscreetPolicy", "DiscreetStore", "DiscreetLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The baseline for scripts/bench-http: the same JSON round trip, nothing else.
        .executableTarget(
            name: "DiscreetBaselineServer",
            dependencies: ["DiscreetJSON", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),
        // What several test targets share: ports for their own listeners, blocking work off the pool.
        .target(name: "DiscreetTestSupport", path: "Tests/DiscreetTestSupport", swiftSettings: strict),
        .testTarget(
            name: "DiscreetCLITests",
            dependencies: [
                "discreet", "DiscreetLedger", "DiscreetJSON", "DiscreetTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                // To create the replicas' database on the test server.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "DiscreetJSONTests", dependencies: ["DiscreetJSON"], swiftSettings: strict),
        .testTarget(
            name: "DiscreetPolicyTests", dependencies: ["DiscreetPolicy", "DiscreetJSON", "DiscreetTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "DiscreetLedgerTests", dependencies: ["DiscreetLedger", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"], swiftSettings: strict
        ),
        .testTarget(
            name: "DiscreetSQLiteTests",
            dependencies: ["DiscreetSQLite", "DiscreetStore", "DiscreetPolicy", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The store suite, written once and run on every backend: a real SQLite file and a real
        // PostgreSQL database (DISCREET_TEST_POSTGRES, started by scripts/postgres in CI).
        .testTarget(
            name: "DiscreetStoreTests",
            dependencies: [
                "DiscreetSQLite", "DiscreetPostgres", "DiscreetStore", "DiscreetPolicy", "DiscreetLedger", "DiscreetServer",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DiscreetServerTests",
            dependencies: [
                "DiscreetServer", "DiscreetSQLite", "DiscreetStore", "DiscreetPolicy", "DiscreetLedger",
                "DiscreetTestSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // Only to break the real SQLite file from outside in the ledger-failure test.
                .product(name: "GRDB", package: "GRDB.swift"),
                // A raw socket for the slow-client test.
                .product(name: "NIOPosix", package: "swift-nio"),
                // To read openapi.yaml in the contract test.
                .product(name: "Yams", package: "Yams"),
                // gzip and deflate bodies for the gateway tests.
                .product(name: "CompressNIO", package: "compress-nio"),
                // Certificates for the TLS tests, and a client presenting one.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
