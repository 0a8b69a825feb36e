import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Hummingbird

/// Every problem the service answers with, one constructor each, so that types stay stable.
extension Problem {
    static let unauthorized = Problem(
        .unauthorized, "unauthorized", title: "Missing or invalid API key",
        detail: "Send 'Authorization: Bearer <key>' with a key created by 'discreet keys create'.",
        headers: [.wwwAuthenticate: "Bearer"])

    /// Names the roles that would do; a provider's role by its form alone, since its id may come
    /// from the request's path and nothing sent is quoted back.
    static func forbidden(allowed: [Role]) -> Problem {
        let names = allowed.map { role in
            if case .provider = role { return "provider:<the provider's own id>" }
            return role.description
        }
        return Problem(
            .forbidden, "forbidden", title: "The key's roles do not allow this call",
            detail: "This call needs a key with one of the roles: \(names.joined(separator: ", ")).")
    }

    static func malformedJSON(_ error: JSONParseError) -> Problem {
        Problem(
            .badRequest, "malformed-json", title: "The body is not valid JSON",
            detail: "The body could not be read as JSON: \(error.description).",
            extensions: [("offset", .number(String(error.offset)))])
    }

    static func invalidField(_ error: JSONFieldError) -> Problem {
        Problem(
            .unprocessableContent, "invalid-field", title: "A member of the body is missing or invalid",
            detail: "\(error.path): \(error.message).", extensions: [("field", .string(error.path))])
    }

    static func invalidConsent(_ errors: [JSONFieldError]) -> Problem {
        Problem(
            .unprocessableContent, "invalid-consent", title: "The consent is not valid",
            detail: "\(errors.count) problem(s), nothing was recorded. \(errors.map(\.description).joined(separator: "; ")).",
            extensions: [("errors", .array(errors.map(\.json)))])
    }

    /// Names the member and what the policy knows, never the unknown name itself: what a caller
    /// sends is not echoed back.
    static func unknownName(_ what: String, field: String, known: [String]) -> Problem {
        let list = known.isEmpty ? "" : " " + UnknownName.known(known)
        return Problem(
            .unprocessableContent, "unknown-\(what.replacingOccurrences(of: " ", with: "-"))",
            title: "Unknown \(what)", detail: "The \(what) at \(field) is not known.\(list)",
            extensions: [("field", .string(field))])
    }

    static func notFound(_ what: String) -> Problem {
        Problem(.notFound, "not-found", title: "Not found", detail: "No \(what) by that id.")
    }

    static let routeNotFound = Problem(
        .notFound, "not-found", title: "Not found", detail: "No such route. See openapi.yaml for the API.")

    static func bodyTooLarge(limit: Int) -> Problem {
        Problem(
            .contentTooLarge, "body-too-large", title: "The body is too large",
            detail: "Bodies are limited to \(limit) bytes; send less, or raise --max-body-bytes.")
    }

    static func unsupportedMediaType(_ expected: String) -> Problem {
        Problem(.unsupportedMediaType, "unsupported-media-type", title: "Unsupported content type", detail: "Send \(expected).")
    }

    static func notAcceptable(_ offered: [String]) -> Problem {
        Problem(
            .notAcceptable, "not-acceptable", title: "No acceptable representation",
            detail: "This answer comes as \(offered.joined(separator: ", ")); accept one of them (or leave out Accept).")
    }

    static func providerSuspended(_ id: String) -> Problem {
        Problem(
            .forbidden, "provider-suspended", title: "The provider is suspended",
            detail: "Provider '\(id)' is suspended; nothing is released to it until an admin resumes it.")
    }

    static let exceptionRoleRequired = Problem(
        .forbidden, "exception-role-required", title: "Only an exception officer may invoke an exception",
        detail: "The request names an exception; use a key with the exception-officer role, or remove 'exception'.")

    static func invalidBundle(_ error: BundleValidationError) -> Problem {
        Problem(
            .unprocessableContent, "invalid-bundle", title: "The policy bundle does not validate",
            detail: "\(error.issues.count) issue(s); nothing was changed. First: \(error.issues.first?.description ?? "")",
            extensions: [("issues", .array(error.issues.map(\.json)))])
    }

    static func bundleTestsFailed(_ results: [BundleTestRunner.CaseResult]) -> Problem {
        let failed = results.filter { !$0.passed }
        return Problem(
            .unprocessableContent, "bundle-tests-failed", title: "The policy bundle's own tests fail",
            detail: "\(failed.count) of \(results.count) test(s) fail; nothing was changed. First: \(failed.first?.name ?? "")",
            extensions: [("tests", .array(results.map(\.json)))])
    }

    static let ledgerUnavailable = Problem(
        .serviceUnavailable, "ledger-unavailable", title: "The disclosure could not be recorded",
        detail:
            "The ledger entry could not be written, so nothing was released. Retry later; operators: check the data directory.",
        headers: [.retryAfter: "1"])

    /// A stored entry that is not what the ledger recorded: the answer is refused whole rather
    /// than given without it, for an accounting that silently drops an entry is a false one.
    static func ledgerDamaged(index: Int64) -> Problem {
        Problem(
            .serviceUnavailable, "ledger-damaged", title: "The ledger's store is damaged",
            detail:
                "The stored entry at index \(index) does not match what the ledger recorded, so this answer cannot be given. "
                + "Operators: run 'discreet verify' on the data directory.")
    }

    static let storeUnavailable = Problem(
        .serviceUnavailable, "store-unavailable", title: "The store is unavailable",
        detail: "The store could not be read or written. Retry later.", headers: [.retryAfter: "1"])

    static let policyNotLoaded = Problem(
        .serviceUnavailable, "policy-not-loaded", title: "No policy is in force",
        detail: "Upload a policy bundle with PUT /v1/policy.")

    static let internalError = Problem(
        .internalServerError, "internal", title: "Internal error",
        detail: "The request failed; it has been logged without its body.")
}

extension BundleIssue {
    var json: JSONValue {
        var o = JSONObject([("path", .string(path)), ("message", .string(message))])
        if let line { o["line"] = .number(String(line)) }
        return .object(o)
    }
}

extension BundleTestRunner.CaseResult {
    var json: JSONValue {
        .object(
            JSONObject([("name", .string(name)), ("passed", .bool(passed)), ("failures", .array(failures.map(JSONValue.string)))])
        )
    }
}

extension JSONFieldError {
    /// `{"field": <JSON Pointer>, "message": …}`, as problem and import reports list them.
    var json: JSONValue { .object(JSONObject([("field", .string(path)), ("message", .string(message))])) }
}
