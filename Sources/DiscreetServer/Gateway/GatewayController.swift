import AsyncHTTPClient
import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The gateway (DESIGN §9): `POST|PUT|PATCH /gateway/{route}/…` for apps sending to a provider,
/// `GET /pull/{route}/…` for a provider fetching from the professional's internal API.
///
/// Both decide every field of every record, append the ledger entry, and only then let anything
/// leave; what leaves is the body rebuilt from what passed (`GatewayBody`). Ledger down: 503 and
/// nothing sent. Upstream down or slow: 502 or 504, and a delivery record says so.
struct GatewayController {
    let services: DiscreetServices

    func addRoutes(to router: Router<AppRequestContext>) {
        let egress = router.group("gateway").add(middleware: AuthenticationMiddleware(keys: services.store))
            .add(middleware: RoleMiddleware.discloser)
        for method in [HTTPRequest.Method.post, .put, .patch] { egress.on("{route}/**", method: method, use: self.egress) }
        router.group("pull").add(middleware: ClientCertificateMiddleware())
            .add(middleware: AuthenticationMiddleware(keys: services.store))
            .add(middleware: RoleMiddleware.anyProvider)
            .get("{route}/**", use: pull)
    }

    /// A request's route, the template's parameters and the path to send upstream.
    struct Resolved {
        var active: PolicyHolder.Active
        var route: GatewayRoute
        var parameters: [String: String]
        var upstreamURL: String
    }

    func resolve(_ request: Request, _ context: AppRequestContext, _ direction: GatewayRoute.Direction) throws -> Resolved {
        let active = try services.activePolicy()
        guard let id = context.parameters.get("route"), let route = active.engine.bundle.gateway[id],
            route.direction == direction
        else { throw Problem.unknownRoute }
        guard request.method.rawValue == route.method else { throw Problem.methodNotOnRoute(route) }
        let segments = context.parameters.getCatchAll()
        guard let parameters = route.path.match(segments) else { throw Problem.pathNotMatched(route) }
        return Resolved(
            active: active, route: route, parameters: parameters, upstreamURL: Self.upstreamURL(route, parameters))
    }

    /// The route's upstream with its path template filled in: each parameter re-encoded from its
    /// checked value, never as the caller wrote it.
    static func upstreamURL(_ route: GatewayRoute, _ parameters: [String: String]) -> String {
        var path = ""
        for segment in route.path.segments {
            path += "/"
            switch segment {
            case .literal(let l): path += l
            case .parameter(let name):
                path += (parameters[name] ?? "").addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
            }
        }
        return route.upstream + path
    }

    static let wholeAnswerBytes = 64 * 1024

    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    // MARK: egress

    @Sendable func egress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let resolved = try resolve(request, context, .egress)
        let route = resolved.route
        let decided: Decided
        var upstream: HTTPClientRequest
        do {
            guard request.uri.query?.isEmpty ?? true else { throw Problem.queryNotForwarded }
            let credential = try credential(route)
            let body = try await GatewayBodyReader.read(request, limit: services.configuration.maxBodyBytes)
            decided = try await decideAndRecord(
                resolved, body: body, header: { request.headers[values: HTTPField.Name($0)!].first },
                keyID: context.principal!.keyID, subjectFromUpstream: false)
            var url = resolved.upstreamURL
            if let token = decided.subjectTokens.first, case .pathParameter(let name) = route.subject {
                // The provider knows the subject by its token: the id in the path is replaced.
                var parameters = resolved.parameters
                parameters[name] = token
                url = Self.upstreamURL(route, parameters)
            }
            upstream = HTTPClientRequest(url: url)
            upstream.method = .init(rawValue: route.method)
            GatewayHeaders.forward(request.headers, into: &upstream.headers)
            if let token = decided.subjectTokens.first, case .header(let name) = route.subject {
                upstream.headers.replaceOrAdd(name: name, value: token)
            }
            upstream.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            if let (name, value) = credential { upstream.headers.replaceOrAdd(name: name, value: value) }
            upstream.body = .bytes(ByteBuffer(bytes: decided.forwarded))
        } catch {
            services.metrics.recordGateway(route: route.id, result: "refused")
            throw error
        }
        let receipt = decided.receiptHeaders
        let answer: HTTPClientResponse
        do {
            answer = try await send(upstream, route)
        } catch let failure as UpstreamFailure {
            await recordNotDelivered(decided, route: route, outcome: failure.outcome.record)
            services.metrics.recordGateway(route: route.id, result: "upstream-\(failure.outcome.rawValue)")
            switch failure.outcome {
            case .unreachable: throw Problem.upstreamUnreachable(route, disclosureIDs: decided.ids, receipt: receipt)
            case .timedOut: throw Problem.upstreamTimeout(route, disclosureIDs: decided.ids, receipt: receipt)
            }
        }
        services.metrics.recordGateway(route: route.id, result: "forwarded")
        var headers = GatewayHeaders.answer(answer.headers)
        headers.append(contentsOf: receipt)
        let status = HTTPResponse.Status(code: Int(answer.status.code))
        // A small answer of known length is passed in one piece; any other is streamed as it comes.
        if let length = answer.headers["content-length"].first.flatMap(Int.init), length <= Self.wholeAnswerBytes {
            do {
                let body = try await answer.body.collect(upTo: length)
                return Response(status: status, headers: headers, body: .init(byteBuffer: body))
            } catch {
                throw Problem.upstreamAnswerCut(route, disclosureIDs: decided.ids, receipt: receipt)
            }
        }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: answer.body))
    }

    // MARK: pull

    @Sendable func pull(_ request: Request, context: AppRequestContext) async throws -> Response {
        var resolved = try resolve(request, context, .pull)
        let route = resolved.route
        do {
            guard let principal = context.principal, principal.has(.provider(route.provider)) else {
                throw Problem.notThisProvidersRoute()
            }
            let credential = try credential(route)
            // A provider that knows subjects by token names one by its token: resolved here, so
            // that the internal API is asked about the subject and never sees the token.
            var subjectHeader: (name: String, id: String)?
            if route.subjectNaming == .token {
                switch route.subject {
                case .pathParameter(let name):
                    resolved.parameters[name] = try await subject(ofToken: resolved.parameters[name], route)
                    resolved.upstreamURL = Self.upstreamURL(route, resolved.parameters)
                case .header(let name):
                    let presented = request.headers[values: HTTPField.Name(name)!].first
                    subjectHeader = (name, try await subject(ofToken: presented, route))
                case .pointer, .eachRecord: break
                }
            }
            var url = resolved.upstreamURL
            if let query = request.uri.query, !query.isEmpty { url += "?" + query }
            var upstream = HTTPClientRequest(url: url)
            upstream.method = .GET
            GatewayHeaders.forward(request.headers, into: &upstream.headers)
            if let subjectHeader { upstream.headers.replaceOrAdd(name: subjectHeader.name, value: subjectHeader.id) }
            upstream.headers.replaceOrAdd(name: "Accept", value: "application/json")
            if let (name, value) = credential { upstream.headers.replaceOrAdd(name: name, value: value) }
            let answer: HTTPClientResponse
            do {
                answer = try await send(upstream, route)
            } catch let failure as UpstreamFailure {
                services.metrics.recordGateway(route: route.id, result: "upstream-\(failure.outcome.rawValue)")
                switch failure.outcome {
                case .unreachable:
                    throw Problem.upstreamAnswer(route, "the internal API could not be reached")
                case .timedOut:
                    throw Problem(
                        .gatewayTimeout, "upstream-timeout", title: "The internal API did not answer in time",
                        detail: "Route '\(route.id)' waits \(route.timeoutSeconds) s. Nothing was disclosed.")
                }
            }
            let body = try await GatewayBodyReader.read(answer, route: route, limit: services.configuration.maxBodyBytes)
            let decided = try await decideAndRecord(
                resolved, body: body,
                header: { name in
                    if let subjectHeader, subjectHeader.name == name { return subjectHeader.id }
                    return request.headers[values: HTTPField.Name(name)!].first
                },
                keyID: principal.keyID, subjectFromUpstream: true)
            services.metrics.recordGateway(route: route.id, result: "forwarded")
            var headers = decided.receiptHeaders
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: decided.forwarded)))
        } catch let p as Problem {
            if p.slug != "upstream-timeout" && p.slug != "upstream-error" {
                services.metrics.recordGateway(route: route.id, result: "refused")
            }
            throw p
        }
    }

    /// The subject a provider's token stands for. A token that is malformed, unknown, or another
    /// provider's is answered alike (404), so that a provider learns nothing of tokens not its own.
    func subject(ofToken presented: String?, _ route: GatewayRoute) async throws -> String {
        guard let presented, Token.isWellFormed(presented),
            let record = try await services.storeCall({ try await services.store.token(presented) }),
            record.providerID == route.provider
        else { throw Problem.unknownSubjectToken }
        return record.subjectID
    }

    // MARK: shared

    /// The header that carries the route's credential, or nil for a route without one.
    func credential(_ route: GatewayRoute) throws -> (String, String)? {
        do {
            return try services.upstreamSecrets.header(for: route.auth)
        } catch {
            throw Problem.upstreamCredentialUnavailable(error)
        }
    }

    struct UpstreamFailure: Error {
        /// The two ways an upstream fails, as its delivery record names them.
        enum Outcome: String {
            case unreachable, timedOut = "timed-out"

            var record: DeliveryRecord.Outcome { self == .unreachable ? .unreachable : .timedOut }
        }

        var outcome: Outcome
    }

    /// Sends and waits for the answer's head, within the route's timeout.
    func send(_ request: HTTPClientRequest, _ route: GatewayRoute) async throws -> HTTPClientResponse {
        let started = ContinuousClock.now
        defer {
            services.metrics.recordUpstreamLatency(route: route.id, nanoseconds: (ContinuousClock.now - started).nanoseconds)
        }
        do {
            return try await services.upstreams.client.execute(
                request, deadline: .now() + .nanoseconds(Int64(route.timeoutSeconds * 1_000_000_000)))
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout].contains(error)
        {
            throw UpstreamFailure(outcome: .timedOut)
        } catch {
            throw UpstreamFailure(outcome: .unreachable)
        }
    }

    /// What a gateway request decided and recorded: the bytes that may leave, and one ledger entry
    /// per subject of the body (in the order subjects first appear), each with its receipt.
    struct Decided {
        var forwarded: [UInt8]
        var entries: [DisclosureEntry]
        var receipts: [LedgerReceipt]
        /// Each subject's token, in the entries' order, when the route releases them in place of ids.
        var subjectTokens: [String]

        var ids: [String] { entries.map(\.id) }
        var receiptHeaders: HTTPFields { GatewayHeaders.receipt(disclosureIDs: ids, receipts: receipts) }
    }

    /// The most subjects one gateway request may carry: each is a store read and a ledger entry.
    static let maxSubjects = 1_000

    /// Decides the body's records for the route's provider and purpose, each under its own
    /// subject, and appends one ledger entry per subject, all in one transaction; returns the bytes
    /// that may leave. `subjectFromUpstream`: the body is the internal API's answer (pull), so a
    /// record or subject missing from it is the upstream's fault (502).
    func decideAndRecord(
        _ resolved: Resolved, body: JSONValue, header: (String) -> String?, keyID: String, subjectFromUpstream: Bool
    ) async throws -> Decided {
        let route = resolved.route
        let parts: GatewayBody
        do {
            parts = try GatewayBody(body, location: route.record)
        } catch {
            if subjectFromUpstream { throw Problem.upstreamAnswer(route, "its answer does not hold the route's record") }
            throw Problem.recordNotFound(error)
        }
        let subjects: GatewaySubjects
        do {
            subjects = try route.subjects(of: parts, body: body, parameters: resolved.parameters, header: header)
        } catch {
            if subjectFromUpstream {
                switch (error, route.subject) {
                case (.missingInRecords(let records), _):
                    throw Problem.upstreamAnswer(
                        route, "record \(records[0]) of its answer does not hold its subject's id where the route says")
                case (.missing, .pointer):
                    throw Problem.upstreamAnswer(route, "its answer does not hold the subject's id where the route says")
                default: break
                }
            }
            throw Problem.subjectMissing(route, error)
        }
        guard subjects.groups.count <= Self.maxSubjects else { throw Problem.tooManySubjects(Self.maxSubjects) }
        let now = services.clock()
        var inputs: [DecisionInput] = []
        inputs.reserveCapacity(subjects.groups.count)
        for group in subjects.groups {
            let state = try await services.storeCall {
                try await services.store.decisionState(providerID: route.provider, subjectID: group.subjectID)
            }
            var input = DecisionInput(
                providerID: route.provider, purpose: route.purpose, subjectID: group.subjectID, recordType: route.recordType,
                recordTags: [], provider: state.provider, subject: state.subject, consents: state.consents,
                exception: nil, time: now)
            input.tokens = services.tokens.tokens(providerID: route.provider, subjectID: group.subjectID)
            inputs.append(input)
        }
        let active = resolved.active
        var entries = subjects.groups.map { group in
            DisclosureEntry(
                id: RecordID.make("dsc-", at: now), time: now, providerID: route.provider, purpose: route.purpose,
                subjectID: group.subjectID, recordType: route.recordType,
                policy: .init(revision: active.stored.revision, label: active.stored.label, digest: active.stored.digest),
                keyID: keyID, decisions: [], exception: nil,
                gateway: .init(route: route.id, digest: active.routeDigests[route.id] ?? route.definitionDigest))
        }
        let disclosures = DisclosureController(services: services)
        var results: [RecordsDisclosure]
        do {
            // Every subject's input was read above; none is decided under another's.
            results = try active.engine.disclose(
                bySubject: subjects.batches(parts, inputs: inputs),
                pseudonymizer: services.secrets.pseudonymizer(for: route.provider))
        } catch .providerSuspended(let provider) {
            // A refused request is an audit event for each subject in it.
            for k in entries.indices { entries[k].refused = "provider-suspended" }
            _ = try await disclosures.append(entries)
            services.metrics.recordRefusedDisclosure()
            throw Problem.providerSuspended(provider)
        } catch {
            throw DisclosureController.problem(error, active.engine.bundle)
        }
        let subjectField = GatewayRoute.subjectTokenField
        let releasesSubjectToken = route.releasesSubjectToken
        // The subject's own token is issued with the fields' on the first disclosure that needs it.
        for (k, result) in results.enumerated() {
            let fields =
                result.missingTokens + (releasesSubjectToken && inputs[k].tokens[subjectField] == nil ? [subjectField] : [])
            if !fields.isEmpty { inputs[k].tokens = try await disclosures.issueTokens(fields, inputs[k]) }
        }
        if results.contains(where: { !$0.missingTokens.isEmpty }) {
            // First disclosures of tokenized fields: their tokens were issued above; decide again with them.
            do {
                results = try active.engine.disclose(
                    bySubject: subjects.batches(parts, inputs: inputs),
                    pseudonymizer: services.secrets.pseudonymizer(for: route.provider))
            } catch {
                throw DisclosureController.problem(error, active.engine.bundle)
            }
            guard results.allSatisfy({ $0.missingTokens.isEmpty }) else { throw Problem.ledgerUnavailable }
        }
        var subjectTokens: [String] = []
        if releasesSubjectToken {
            subjectTokens = try inputs.map {
                guard let token = $0.tokens[subjectField] else { throw Problem.ledgerUnavailable }
                return token
            }
        }
        var body = parts.forwarded(subjects.inBodyOrder(results.map(\.released), count: parts.records.count))
        if releasesSubjectToken { body = route.placingSubjectTokens(in: body, subjects, tokens: subjectTokens) }
        // Sent in the app's member order; recorded as canonical JSON, as `…/match` checks it. Each
        // subject's entry holds the digest of the whole body that left, which its records are in.
        let forwarded = JSONWriter.encode(body)
        let payloadHMAC = services.secrets.payloadDigest(JSONWriter.encode(body, sortedKeys: true))
        for (k, result) in results.enumerated() {
            entries[k].decisions = result.decisions
            if releasesSubjectToken { entries[k].subjectToken = subjectTokens[k] }
            entries[k].index(tokens: result.tokens, pseudonyms: result.pseudonyms)
            entries[k].receipts = DisclosureController.receiptsByConsent(inputs[k].consents)
            entries[k].payloadHMAC = payloadHMAC
        }
        let receipts = try await disclosures.append(entries)
        for result in results { services.metrics.recordDisclosure(result.decisions) }
        return Decided(forwarded: forwarded, entries: entries, receipts: receipts, subjectTokens: subjectTokens)
    }

    /// Appends the delivery records of a disclosure that did not arrive, one per subject's entry.
    /// Their failure is logged by the metric, not answered: the caller is told of the failed
    /// delivery either way.
    func recordNotDelivered(_ decided: Decided, route: GatewayRoute, outcome: DeliveryRecord.Outcome) async {
        let now = services.clock()
        let appends = decided.entries.map { entry in
            DeliveryRecord(
                id: RecordID.make("dlv-", at: now), disclosureID: entry.id, route: route.id, outcome: outcome, time: now,
                providerID: entry.providerID, purpose: entry.purpose, subjectID: entry.subjectID
            ).append
        }
        do {
            _ = try await services.store.append(appends)
        } catch {
            services.metrics.recordLedgerFailure()
        }
    }
}
