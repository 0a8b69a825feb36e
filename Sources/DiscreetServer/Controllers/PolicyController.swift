import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird

/// `GET/PUT /v1/policy`, `POST /v1/policy/validate`, `POST /v1/policy/replay` (admin).
struct PolicyController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("policy", use: get)
        group.put("policy", use: put)
        group.post("policy/validate", use: validate)
        group.post("policy/replay", use: replay)
    }

    static let bundleTypes = ["application/yaml", "application/x-yaml", "text/yaml", "application/json", "text/plain"]

    /// The body's text and its form: `application/json` is the JSON form, held to JSON's types
    /// (openapi.yaml's PolicyBundle); anything else is read as YAML.
    func source(_ request: Request) async throws -> (text: String, format: BundleFormat) {
        let type = request.headers[.contentType]?.lowercased()
        if let type, !Self.bundleTypes.contains(where: type.hasPrefix) {
            throw Problem.unsupportedMediaType("a policy bundle as application/yaml or application/json")
        }
        let format: BundleFormat = type?.hasPrefix("application/json") == true ? .json : .yaml
        let buffer = try await request.collectBody(limit: services.configuration.maxBodyBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem.invalidBundle(
                BundleValidationError(issues: [BundleIssue(path: "", line: nil, message: "the bundle is not valid UTF-8")]))
        }
        return (text, format)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let active = try services.activePolicy()
        var body = active.stored.summary
        body["source"] = .string(active.stored.source)
        return .json(.object(body))
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let (text, format) = try await source(request)
        do {
            // A route whose credential is not here would fail every request: refused now instead.
            let (active, results) = try await services.policy.install(
                source: text, format: format, store: services.store, now: services.clock()
            ) {
                let issues = services.upstreamSecrets.issues(for: $0)
                if !issues.isEmpty { throw BundleValidationError(issues: issues) }
            }
            var body = active.stored.summary
            body["tests"] = .array(results.map(\.json))
            return .json(.object(body))
        } catch let error as BundleValidationError {
            throw Problem.invalidBundle(error)
        } catch let error as BundleTestsFailed {
            throw Problem.bundleTestsFailed(error.results)
        } catch {
            throw Problem.storeUnavailable
        }
    }

    @Sendable func validate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let (text, format) = try await source(request)
        guard !text.allSatisfy(\.isWhitespace) else {
            throw Problem.invalidBundle(
                BundleValidationError(issues: [BundleIssue(path: "", line: nil, message: "the bundle is empty")]))
        }
        // The JSON form is an object (BundleDraft); any object gets a verdict, anything else a 422.
        if format == .json, text.first(where: { !$0.isWhitespace }) != "{" {
            throw Problem.invalidBundle(
                BundleValidationError(issues: [BundleIssue(path: "", line: nil, message: "expected a JSON object")]))
        }
        do {
            let bundle = try BundleParser.parse(text, format: format)
            let results = BundleTestRunner.run(bundle, now: services.clock())
            return .json([
                "valid": .bool(results.allSatisfy(\.passed)), "version": .string(bundle.version), "issues": [],
                "tests": .array(results.map(\.json)),
            ])
        } catch {
            return .json(["valid": false, "issues": .array(error.issues.map(\.json)), "tests": []])
        }
    }
}

extension StoredPolicy {
    var summary: JSONObject {
        JSONObject([
            ("revision", .number(String(revision))), ("version", .string(label)), ("digest", .string(digest)),
            ("activated_at", .date(activatedAt)),
        ])
    }
}
