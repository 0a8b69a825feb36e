import Benchmark
import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import Foundation

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    // The baseline: 20 string values filtered by an allow-set, the least a filter can do.
    Benchmark("baseline: [String: String] filter, 20 fields") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Realistic.flat.filter { Realistic.allowed.contains($0.key) })
        }
    }

    Benchmark("engine: disclose a 20-field record") { benchmark in
        let input = Realistic.input
        for _ in benchmark.scaledIterations {
            blackHole(
                try Realistic.engine.disclose(record: Realistic.record, input: input, pseudonymizer: Realistic.pseudonymizer))
        }
    }

    Benchmark("engine: decide 20 field paths (no values)") { benchmark in
        let fields = (0..<20).map { f in f < 4 ? "nested.f\(f)" : (f < 6 ? "items[0].f\(f)" : "f\(f)") }
        for _ in benchmark.scaledIterations {
            blackHole(try Realistic.engine.decide(fields: fields, input: Realistic.input))
        }
    }

    Benchmark(
        "bundle: parse and validate (10 regimes, 60 categories, 8 types, 12 purposes)",
        configuration: .init(maxDuration: .seconds(2))
    ) {
        benchmark in
        for _ in benchmark.scaledIterations { blackHole(try BundleParser.parse(Realistic.source)) }
    }

    for (name, transform) in [
        ("mask:4", Transform.mask(keep: 4)), ("generalize:year", .generalizeYear),
        ("generalize:band:10", .generalizeBand(width: 10)),
        ("generalize:prefix:3", .generalizePrefix(keep: 3)), ("pseudonymize", .pseudonymize),
    ] {
        let value: JSONValue =
            transform == .generalizeYear
            ? "1984-02-29" : (transform == .generalizeBand(width: 10) ? .number("37") : "+33612345678")
        Benchmark("transform: \(name)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(transform.apply(to: value, pseudonymizer: Realistic.pseudonymizer)) }
        }
    }

    Benchmark("json: decode the disclosure body") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JSONParser.parse(Realistic.body)) }
    }

    Benchmark("json: encode the disclosure body") { benchmark in
        let value = try JSONParser.parse(Realistic.body)
        for _ in benchmark.scaledIterations { blackHole(JSONWriter.encode(value)) }
    }

    Benchmark("ledger: leaf hash of a 2 KB entry") { benchmark in
        let entry = [UInt8](repeating: 0x61, count: 2048)
        for _ in benchmark.scaledIterations { blackHole(RFC6962.leafHash(entry)) }
    }
}
