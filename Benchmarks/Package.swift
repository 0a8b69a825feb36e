// swift-tools-version: 6.1
// In-process benchmarks of the decision engine (ordo-one/benchmark). A package of its own, so
// that the service's build and tests do not pay for it: `cd Benchmarks && swift package benchmark`.
import PackageDescription

let package = Package(
    name: "discreet-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "discreet", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DiscreetPolicy", package: "discreet"),
                .product(name: "DiscreetJSON", package: "discreet"),
                .product(name: "DiscreetLedger", package: "discreet"),
            ],
            path: "EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
