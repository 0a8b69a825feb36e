import Foundation
import Yams

/// Parses and validates a policy bundle (YAML, or JSON, which YAML reads as well) as a whole.
///
/// Every issue found is reported with its path and line; the bundle is returned only when there
/// is none, so an invalid bundle can never take effect. Parsing is pure: the caller reads the file
/// or the request body.
public enum BundleParser {
    /// The largest bundle accepted, in bytes.
    public static let maxBytes = 4 * 1024 * 1024

    public static func parse(_ data: some Collection<UInt8>, format: BundleFormat = .yaml) throws(BundleValidationError)
        -> PolicyBundle
    {
        guard data.count <= maxBytes else {
            throw BundleValidationError(issues: [
                BundleIssue(path: "", line: nil, message: "the bundle is larger than \(maxBytes) bytes")
            ])
        }
        guard let text = String(validating: Array(data), as: UTF8.self) else {
            throw BundleValidationError(issues: [BundleIssue(path: "", line: nil, message: "the bundle is not valid UTF-8")])
        }
        return try parse(text, format: format)
    }

    public static func parse(_ text: String, format: BundleFormat = .yaml) throws(BundleValidationError) -> PolicyBundle {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw BundleValidationError(issues: [BundleIssue(path: "", line: nil, message: "the bundle is empty")])
            }
            root = node
        } catch let error as BundleValidationError {
            throw error
        } catch let error as YamlError {
            throw BundleValidationError(issues: [syntaxIssue(error)])
        } catch {
            throw BundleValidationError(issues: [
                BundleIssue(path: "", line: nil, message: "the bundle could not be read as YAML or JSON")
            ])
        }
        var walk = BundleWalk()
        walk.reader.format = format
        let bundle = walk.bundle(root)
        if let bundle, walk.reader.issues.isEmpty { return bundle }
        throw BundleValidationError(issues: walk.reader.issues)
    }

    /// A syntax error, located, without quoting the offending text.
    static func syntaxIssue(_ error: YamlError) -> BundleIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return BundleIssue(path: "", line: mark.line, message: "syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return BundleIssue(
                path: "", line: context.mark.line,
                message:
                    "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping"
            )
        case .reader(let problem, _, _, _):
            return BundleIssue(path: "", line: nil, message: "unreadable input: \(problem)")
        default:
            return BundleIssue(path: "", line: nil, message: "the bundle could not be read as YAML or JSON")
        }
    }
}

/// How a bundle was written. YAML reads JSON too; `.json` also holds scalars to JSON's types.
public enum BundleFormat: Sendable {
    case yaml
    case json
}

/// The walk over one document. Names are gathered first so that references are checked whatever
/// the order of sections.
struct BundleWalk {
    var reader = NodeReader()
    static let sections: Set<String> = [
        "version", "regimes", "exceptions", "categories", "tags", "records", "purposes", "labels", "gateway", "fixtures",
        "tests",
    ]

    mutating func bundle(_ root: Node) -> PolicyBundle? {
        let top = Pointer()
        guard let entries = reader.mapping(root, top, what: "a mapping with version, regimes, categories, records and purposes")
        else { return nil }
        reader.rejectUnknown(entries, allowed: BundleWalk.sections, top)
        reader.requireKeys(entries, ["version", "regimes", "categories", "records", "purposes"], top, root)
        func section(_ name: String) -> Node? { entries.first { $0.key == name }?.node }

        let version = section("version").flatMap { reader.string($0, top.appending("version"), what: "a version label") } ?? ""
        let exceptions = section("exceptions").map { self.exceptionRules($0, top.appending("exceptions")) } ?? [:]
        let purposeNames = section("purposes").map { self.names($0, top.appending("purposes")) } ?? []
        let regimes =
            section("regimes").map { self.regimes($0, top.appending("regimes"), exceptions: exceptions, purposes: purposeNames) }
            ?? [:]
        // References are checked against declared names, so that one bad declaration is reported
        // once rather than again at every place that names it.
        let regimeNames = section("regimes").map { self.names($0, top) } ?? []
        let categoryNames = section("categories").map { self.names($0, top) } ?? []
        let categories =
            section("categories").map { self.categories($0, top.appending("categories"), regimes: regimeNames) } ?? [:]
        let tags = section("tags").map { self.tags($0, top.appending("tags"), regimes: regimeNames) } ?? [:]
        let records = section("records").map { self.records($0, top.appending("records"), categories: categoryNames) } ?? [:]
        let purposes = section("purposes").map { self.purposes($0, top.appending("purposes"), categories: categoryNames) } ?? [:]
        var bundle = PolicyBundle(
            version: version, regimes: regimes, exceptions: exceptions, categories: categories, tags: tags,
            records: records, purposes: purposes)
        if let l = section("labels") {
            bundle.labels = self.labels(l, top.appending("labels"), categories: categoryNames, purposes: purposeNames)
        }
        if let g = section("gateway") {
            bundle.gateway = self.gateway(
                g, top.appending("gateway"), purposes: purposeNames, records: section("records").map { self.names($0, top) } ?? []
            )
        }
        if let f = section("fixtures") { bundle.fixtures = self.fixtures(f, top.appending("fixtures")) }
        if let t = section("tests") { bundle.tests = self.tests(t, top.appending("tests"), bundle: bundle) }
        return reader.exhausted ? nil : bundle
    }

    mutating func names(_ node: Node, _ path: Pointer) -> Set<String> {
        guard case .mapping(let m) = node else { return [] }
        return Set(m.keys.compactMap { $0.scalar?.string })
    }
}
