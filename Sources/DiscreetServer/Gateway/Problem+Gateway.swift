import DiscreetJSON
import DiscreetPolicy
import Hummingbird

/// The gateway's problems. None names a value the caller sent: routes, templates and pointers
/// come from the bundle, and an upstream's own body is never passed on in a problem.
extension Problem {
    static let unknownRoute = Problem(
        .notFound, "unknown-route", title: "No such gateway route",
        detail: "The policy in force has no route by that id in this direction; see the bundle's gateway section.")

    static func pathNotMatched(_ route: GatewayRoute) -> Problem {
        Problem(
            .notFound, "path-not-matched", title: "The path does not match the route",
            detail:
                "Route '\(route.id)' takes \(route.method) \(route.path): one segment for each, with no empty, '.' or '..' "
                + "segment and no encoded '/'.")
    }

    static func methodNotOnRoute(_ route: GatewayRoute) -> Problem {
        Problem(
            .methodNotAllowed, "method-not-allowed", title: "The route does not take this method",
            detail: "Route '\(route.id)' takes \(route.method).", headers: [.allow: route.method])
    }

    static let queryNotForwarded = Problem(
        .badRequest, "query-not-forwarded", title: "An egress request takes no query",
        detail: "Only the decided body leaves: put what the provider needs in the body, where the route's record is decided.")

    static let unsupportedBodyEncoding = Problem(
        .unsupportedMediaType, "unsupported-media-type", title: "Unsupported content type or encoding",
        detail: "Send the body as application/json, uncompressed or with Content-Encoding gzip or deflate.")

    static func inflatedTooLarge(limit: Int) -> Problem {
        Problem(
            .contentTooLarge, "body-too-large", title: "The body is too large",
            detail: "The body inflates to more than \(limit) bytes; send less, or raise --max-body-bytes.")
    }

    static let corruptEncoding = Problem(
        .badRequest, "malformed-encoding", title: "The compressed body cannot be inflated",
        detail: "The body is not one complete gzip or deflate (zlib) stream as its Content-Encoding says.")

    static func recordNotFound(_ problem: GatewayBody.Problem) -> Problem {
        let (pointer, detail): (String, String) =
            switch problem {
            case .recordMissing(let p): (p, "The route's record is at \(p); the body has nothing there.")
            case .recordNotAnObject(let p, nil): (p, "The route's record at \(p) must be an object.")
            case .recordNotAnObject(let p, let i?): (p + "/\(i)", "Each record in \(p) must be an object; element \(i) is not.")
            case .recordsNotAnArray(let p): (p, "The route's records are the elements of an array at \(p).")
            case .pointerCrossesArray(let p): (p, "The route's record pointer \(p) passes through an array in this body.")
            }
        return Problem(
            .unprocessableContent, "record-not-found", title: "The body does not hold the route's record", detail: detail,
            extensions: [("field", .string(pointer))])
    }

    static func subjectMissing(_ route: GatewayRoute, _ problem: GatewaySubjects.Problem) -> Problem {
        let place =
            switch route.subject {
            case .pointer(let p): "the body at \(p) (a string, or an integer)"
            case .pathParameter(let n): "the path parameter {\(n)}"
            case .header(let h): "the header \(h)"
            case .eachRecord(let p): "each record at \(route.subjectPointerText(p)) (a string, or an integer)"
            }
        var detail = "Route '\(route.id)' reads the subject's id from \(place): 1 to 200 printable characters."
        var extensions: [(String, JSONValue)] = []
        if case .missingInRecords(let records) = problem, case .eachRecord(let inRecord) = route.subject,
            case .each(let array) = route.record
        {
            let named = records.prefix(10).map(String.init).joined(separator: ", ")
            let more = records.count > 10 ? " and \(records.count - 10) more" : ""
            detail +=
                " Record\(records.count == 1 ? "" : "s") \(named)\(more) of \(array) carr\(records.count == 1 ? "ies" : "y") "
                + "none; nothing was sent for any record."
            extensions = [
                ("field", .string(array.description + "/\(records[0])" + inRecord.description)),
                ("records", .array(records.prefix(100).map { .number(String($0)) })),
            ]
        }
        return Problem(
            .unprocessableContent, "subject-missing", title: "The subject's id is missing", detail: detail,
            extensions: extensions)
    }

    static func tooManySubjects(_ max: Int) -> Problem {
        Problem(
            .unprocessableContent, "too-many-subjects", title: "The body carries too many subjects",
            detail: "A gateway request may carry the records of at most \(max) subjects (one ledger entry each); split it.")
    }

    static func upstreamCredentialUnavailable(_ failure: UpstreamSecrets.Failure) -> Problem {
        let name: String =
            switch failure {
            case .missing(let n), .unusable(let n, _): n
            }
        return Problem(
            .serviceUnavailable, "upstream-credential-missing", title: "The route's upstream credential is not available",
            detail:
                "Nothing was decided or sent. Operators: provide the credential '\(name)' in \(UpstreamSecrets.variable(for: name)) "
                + "or <data-dir>/secrets/upstreams/\(name) (mode 0600), then restart.")
    }

    static func upstreamUnreachable(_ route: GatewayRoute, disclosureIDs: [String], receipt: HTTPFields) -> Problem {
        afterRecording(
            .badGateway, "upstream-unreachable", title: "The provider's system could not be reached",
            detail:
                "Route '\(route.id)': the disclosure was recorded, then could not be delivered; the ledger says so. Retry later.",
            disclosureIDs, receipt)
    }

    static func upstreamTimeout(_ route: GatewayRoute, disclosureIDs: [String], receipt: HTTPFields) -> Problem {
        afterRecording(
            .gatewayTimeout, "upstream-timeout", title: "The provider's system did not answer in time",
            detail:
                "Route '\(route.id)' waits \(route.timeoutSeconds) s: the disclosure was recorded, then not confirmed delivered; "
                + "the ledger says so.",
            disclosureIDs, receipt)
    }

    /// Egress: the provider took the body and began to answer, then the answer broke off.
    static func upstreamAnswerCut(_ route: GatewayRoute, disclosureIDs: [String], receipt: HTTPFields) -> Problem {
        afterRecording(
            .badGateway, "upstream-error", title: "The provider's answer was cut off",
            detail:
                "Route '\(route.id)': the provider received the body and began to answer, then the answer broke off; "
                + "the disclosure is recorded.",
            disclosureIDs, receipt)
    }

    /// A failure after the disclosure was recorded: the answer names its entries (one per subject
    /// of the body; `disclosure_id` is the first, for single-subject routes) and carries their receipts.
    private static func afterRecording(
        _ status: HTTPResponse.Status, _ slug: String, title: String, detail: String, _ disclosureIDs: [String],
        _ receipt: HTTPFields
    ) -> Problem {
        Problem(
            status, slug, title: title, detail: detail,
            extensions: [
                ("disclosure_id", .string(disclosureIDs[0])), ("disclosure_ids", .array(disclosureIDs.map(JSONValue.string))),
            ], headers: receipt)
    }

    /// Pull: the internal API did not answer with what can be decided.
    static func upstreamAnswer(_ route: GatewayRoute, _ why: String) -> Problem {
        Problem(
            .badGateway, "upstream-error", title: "The internal API's answer cannot be passed on",
            detail: "Route '\(route.id)': \(why). Nothing was disclosed.")
    }

    static let upstreamNotFound = Problem(
        .notFound, "not-found", title: "Not found", detail: "The internal API has nothing at this path.")

    /// One answer for a token malformed, unknown or another provider's: the presented text is
    /// not repeated, and nothing tells a provider whether someone else's token exists.
    static let unknownSubjectToken = Problem(
        .notFound, "not-found", title: "Not found",
        detail:
            "This route names subjects by your own token for them (tok_ and 26 characters); no subject is known to you by this one."
    )

    static func notThisProvidersRoute() -> Problem {
        Problem(
            .forbidden, "forbidden", title: "The key's roles do not allow this call",
            detail: "A provider key reaches only the pull routes of its own provider.")
    }
}
