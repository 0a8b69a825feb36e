// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzzing (libFuzzer) of the JSON parser, the bundle parser, the gateway's body and path handling, the engine
// and the scrubber, built
// apart from the main package because a libFuzzer target has no `main` of its own:
// `swift build --package-path Fuzz --sanitize fuzzer --sanitize address`; scripts/fuzz runs them.

let package = Package(
    name: "discreet-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "discreet", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        .executableTarget(name: "FuzzJSON", dependencies: [.product(name: "DiscreetJSON", package: "discreet")]),
        .executableTarget(
            name: "FuzzBundle",
            dependencies: [
                .product(name: "DiscreetPolicy", package: "discreet"), .product(name: "DiscreetJSON", package: "discreet"),
            ]),
        // Matching gateway paths and taking gateway bodies apart (GatewayBody, PathTemplate.match).
        .executableTarget(
            name: "FuzzGateway",
            dependencies: [
                .product(name: "DiscreetPolicy", package: "discreet"), .product(name: "DiscreetJSON", package: "discreet"),
            ]),
        // The engine against the plain reference of DESIGN §3 that the differential tests use
        // (ReferenceEngine.swift and Generator.swift are links to those files).
        .executableTarget(
            name: "FuzzEngine",
            dependencies: [
                .product(name: "DiscreetPolicy", package: "discreet"), .product(name: "DiscreetJSON", package: "discreet"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // What a witness reads from anyone (add-checkpoint requests, policy files, cosigned notes).
        .executableTarget(
            name: "FuzzWitness",
            dependencies: [
                .product(name: "DiscreetLedger", package: "discreet"), .product(name: "DiscreetJSON", package: "discreet"),
            ]),
        // The scrubber on any text (Scrubber, FoldedText and every finder).
        .executableTarget(name: "FuzzScrub", dependencies: [.product(name: "DiscreetPolicy", package: "discreet")]),
    ]
)
