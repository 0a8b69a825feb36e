import Foundation
import Yams

/// Several presets made one bundle, the strictest rule winning wherever two of them speak of the
/// same thing (`policy init --preset hipaa --preset part2`).
///
/// The merge works on the bundles' YAML, section by section: regimes and exceptions of one name
/// are made one (below); a category two presets put under different regimes goes under a new
/// regime, `a+b`, that is the two merged; records, purposes, tags, labels and fixtures are joined.
/// Where the strictest rule cannot be said (two transforms for one field, a record field under
/// two categories, fixtures of one id that differ) the merge stops and names both presets.
///
/// Each preset's tests come along. A test that no longer holds because another preset's rule is
/// stricter is left out of the bundle and reported, never silently; the tests of `PresetTests`
/// hold that the combination never releases what a preset alone withholds.
public enum PresetCombination {
    public struct Conflict: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// A test a preset brought that the combination decides otherwise.
    public struct LeftOut: Sendable, Equatable {
        public var preset: String
        public var test: String
        public var failures: [String]
    }

    public struct Combined: Sendable {
        /// The bundle, YAML: a single preset's own text, comments included; a combination's merged text.
        public var source: String
        public var bundle: PolicyBundle
        public var leftOut: [LeftOut]
    }

    /// The presets as one bundle whose tests all pass at `now` (for tests without their own instant).
    public static func combine(_ presets: [Preset], now: Date) throws -> Combined {
        guard let first = presets.first else { throw Conflict(description: "name at least one preset") }
        let names = presets.map(\.name)
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw Conflict(description: "preset '\(twice)' is named twice")
        }
        if presets.count == 1 {
            let bundle = try parse(first.source, what: first.name)
            return Combined(source: first.source, bundle: bundle, leftOut: [])
        }
        var merger = BundleMerger()
        for preset in presets {
            guard let root = try? Yams.compose(yaml: preset.source), let mapping = root.mapping else {
                throw Conflict(description: "preset '\(preset.name)' is not a YAML mapping")
            }
            try merger.add(preset.name, mapping)
        }
        var tests = merger.tests
        var leftOut: [LeftOut] = []
        // Decide the tests in the merged bundle; leave out those a stricter rule now decides.
        let trial = try parse(render(merger.root(tests: tests.map(\.node)), header: header(names, [])), what: "the combination")
        for (test, result) in zip(tests, BundleTestRunner.run(trial, now: now)) where !result.passed {
            leftOut.append(LeftOut(preset: test.preset, test: result.name, failures: result.failures))
        }
        let dropped = Set(leftOut.map(\.test))
        tests.removeAll { t in dropped.contains(t.node.mapping?["name"]?.string ?? "") }
        let source = render(merger.root(tests: tests.map(\.node)), header: header(names, leftOut))
        return Combined(source: source, bundle: try parse(source, what: "the combination"), leftOut: leftOut)
    }

    static func parse(_ source: String, what: String) throws -> PolicyBundle {
        do {
            return try BundleParser.parse(source)
        } catch {
            let first = error.issues.first.map { "\($0)" } ?? "no detail"
            throw Conflict(description: "\(what) does not validate: \(first)")
        }
    }

    static func header(_ names: [String], _ leftOut: [LeftOut]) -> String {
        var lines = [
            "# discreet policy init: presets \(names.joined(separator: ", ")), combined; the strictest rule wins.",
            "# A starting point written from the law it cites, not legal advice: adapt it with counsel.",
        ]
        if !leftOut.isEmpty {
            lines.append("# Tests left out because another preset's stricter rule now decides them:")
            for l in leftOut { lines.append("#   \(l.preset): \(l.test)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ root: Node, header: String) -> String {
        // Serialising a tree of scalars, sequences and mappings built here cannot fail.
        let yaml = (try? Yams.serialize(node: compact(root), width: 120, allowUnicode: true, sortKeys: false)) ?? ""
        return header + yaml
    }

    /// Lists of scalars and small mappings of scalars on one line, as the presets write them.
    static func compact(_ node: Node) -> Node {
        switch node {
        case .sequence(let s):
            let items = s.map(compact)
            return Node(items, s.tag, items.allSatisfy { $0.scalar != nil } ? .flow : .block)
        case .mapping(let m):
            let pairs = m.map { (k, v) in (k, compact(v)) }
            let short = pairs.map { ($0.0.string ?? "").count + ($0.1.string ?? "").count }.reduce(0, +) < 60
            let flat = pairs.count <= 2 && short && pairs.allSatisfy { $0.1.scalar != nil }
            return Node(pairs, m.tag, flat ? .flow : .block)
        default:
            return node
        }
    }
}
