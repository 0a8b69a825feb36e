import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird

/// `POST /v1/disclosures` and `POST /v1/decisions` (discloser, exception-officer), and the
/// accounting `GET /v1/subjects/{id}/disclosures` (auditor).
///
/// Ledger before release: a disclosure's entry is durably appended before its answer is built;
/// when the append fails the answer is 503 and carries nothing of the record.
struct DisclosureController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("disclosures", use: disclose)
        group.post("decisions", use: decide)
        group.get("subjects/{id}/disclosures", use: accounting)
    }

    /// The members common to both calls, read strictly.
    struct Envelope {
        var provider: String
        var purpose: String
        var subject: String
        var recordType: String
        var tags: Set<String>
        var exception: ExceptionInvocation?
    }

    func envelope(_ r: JSONObjectReader, principal: Principal, extra: Set<String>) throws -> Envelope {
        do {
            try r.rejectUnknown(Set(["provider", "purpose", "subject", "record_type", "tags", "exception"]).union(extra))
            var exception: ExceptionInvocation?
            if let e = try r.optionalObject("exception") {
                try e.rejectUnknown(["basis", "justification", "facts", "authority"])
                exception = ExceptionInvocation(
                    basis: try e.string("basis"), justification: try e.string("justification"), facts: try e.string("facts"),
                    authority: try e.optionalString("authority"))
                if let x = exception, !Self.isSentence(x.justification) {
                    throw JSONFieldError(
                        path: e.member("justification"), message: "write at least a sentence: three words, 20 characters")
                }
            }
            let env = Envelope(
                provider: try r.string("provider"), purpose: try r.string("purpose"), subject: try r.string("subject"),
                recordType: try r.string("record_type"), tags: Set(try r.strings("tags", required: false)), exception: exception)
            if env.exception != nil && !principal.has(.exceptionOfficer) { throw Problem.exceptionRoleRequired }
            return env
        } catch let error as JSONFieldError {
            throw Problem.invalidField(error)
        }
    }

    func input(_ env: Envelope, now: Date) async throws -> DecisionInput {
        let state = try await services.storeCall {
            try await services.store.decisionState(providerID: env.provider, subjectID: env.subject)
        }
        return DecisionInput(
            providerID: env.provider, purpose: env.purpose, subjectID: env.subject, recordType: env.recordType,
            recordTags: env.tags, provider: state.provider, subject: state.subject, consents: state.consents,
            exception: env.exception, time: now)
    }

    static func problem(_ refusal: RequestRefusal, _ bundle: PolicyBundle) -> Problem {
        switch refusal {
        case .unknownPurpose: .unknownName("purpose", field: "/purpose", known: Array(bundle.purposes.keys))
        case .unknownRecordType: .unknownName("record type", field: "/record_type", known: Array(bundle.records.keys))
        case .unknownException:
            .unknownName("exception", field: "/exception/basis", known: Array(bundle.exceptions.keys))
        case .providerSuspended(let id): .providerSuspended(id)
        case .tooManyFields(let max):
            Problem(
                .unprocessableContent, "too-many-fields", title: "The record has too many fields",
                detail: "A request may carry at most \(max) fields (array elements count one each); split the record.")
        }
    }

    @Sendable func disclose(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.discloser, .exceptionOfficer)
        let body = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
        return .json(bytes: try await disclose(body, principal: principal))
    }

    /// One disclosure request, decided, recorded and answered (the answer's JSON bytes): the
    /// single call's and each line's of a batch. Throws a `Problem`, having recorded nothing but
    /// a refusal, when the request cannot be answered.
    func disclose(_ body: JSONValue, principal: Principal) async throws -> [UInt8] {
        let reader: JSONObjectReader
        let record: JSONObject
        do {
            reader = try JSONObjectReader(body)
            guard case .object(let r) = try reader.required("record") else {
                throw JSONFieldError(path: "/record", message: "expected an object")
            }
            record = r
        } catch let error as JSONFieldError {
            throw Problem.invalidField(error)
        }
        let env = try envelope(reader, principal: principal, extra: ["record"])
        let active = try services.activePolicy()
        let now = services.clock()
        var input = try await input(env, now: now)
        input.tokens = services.tokens.tokens(providerID: env.provider, subjectID: env.subject)
        let id = RecordID.make("dsc-", at: now)
        var entry = DisclosureEntry(
            id: id, time: now, providerID: env.provider, purpose: env.purpose, subjectID: env.subject,
            recordType: env.recordType,
            policy: .init(revision: active.stored.revision, label: active.stored.label, digest: active.stored.digest),
            keyID: principal.keyID, decisions: [], exception: env.exception)
        var result: DisclosureResult
        do {
            result = try active.engine.disclose(
                record: record, input: input,
                pseudonymizer: services.secrets.pseudonymizer(for: env.provider))
        } catch .providerSuspended(let provider) {
            // A refused request is an audit event too: record it, then refuse.
            entry.refused = "provider-suspended"
            _ = try await append(entry)
            services.metrics.recordRefusedDisclosure()
            throw Problem.providerSuspended(provider)
        } catch {
            throw Self.problem(error, active.engine.bundle)
        }
        if !result.missingTokens.isEmpty {
            // A first disclosure of a tokenized field: issue its token, then decide again with it.
            input.tokens = try await issueTokens(result.missingTokens, input)
            do {
                result = try active.engine.disclose(
                    record: record, input: input, pseudonymizer: services.secrets.pseudonymizer(for: env.provider))
            } catch {
                throw Self.problem(error, active.engine.bundle)
            }
            guard result.missingTokens.isEmpty else { throw Problem.ledgerUnavailable }
        }
        let payload = JSONWriter.encode(.object(result.released), sortedKeys: true)
        entry.decisions = result.decisions
        entry.index(tokens: result.tokens, pseudonyms: result.pseudonyms)
        entry.receipts = Self.receiptsByConsent(input.consents)
        entry.payloadHMAC = services.secrets.payloadDigest(payload)
        let receipt = try await append(entry)
        services.metrics.recordDisclosure(result.decisions)
        var w = JSONWriter(reservingCapacity: payload.count + 512 + 200 * result.decisions.count)
        w.raw("{\"disclosure_id\":")
        w.writeString(id)
        w.raw(",\"released\":")
        w.write(.object(result.released))
        w.raw(",")
        w.writeDecisions(
            result.decisions, notices: result.notices, receipts: entry.receipts, citations: active.basisCitations)
        w.raw(",\"receipt\":{\"ledger_index\":")
        w.bytes.append(contentsOf: String(receipt.index).utf8)
        w.raw(",\"leaf_hash\":")
        w.writeString(Data(receipt.leafHash).base64EncodedString())
        w.raw(",\"checkpoint\":")
        w.writeStringOrNull(receipt.checkpoint)
        w.raw("}}")
        return w.bytes
    }

    /// Issues the tokens a decision asked for and returns every token of its provider and subject.
    func issueTokens(_ fields: [String], _ input: DecisionInput) async throws -> [String: String] {
        try await services.storeCall {
            try await services.tokens.issue(
                fields, providerID: input.providerID, subjectID: input.subjectID, store: services.store, at: input.time)
        }
    }

    /// A justification a reviewer can weigh: at least three words and twenty characters.
    static func isSentence(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count >= 20 && trimmed.split(whereSeparator: \.isWhitespace).count >= 3
    }

    /// The review item and the alert for a disclosure under an exception.
    func reviewAndAlert(_ entry: DisclosureEntry) -> (ExceptionReview, [UInt8])? {
        guard let x = entry.exception else { return nil }
        let review = ExceptionReview(
            id: RecordID.make("exc-", at: entry.time), disclosureID: entry.id, subjectID: entry.subjectID,
            providerID: entry.providerID, basis: x.basis, justification: x.justification, facts: x.facts, authority: x.authority,
            invokedBy: entry.keyID, invokedAt: entry.time)
        // The alert names the event and where to review it; the justification and facts stay in the review.
        let alert: JSONValue = [
            "type": "exception-invoked", "review_id": .string(review.id), "disclosure_id": .string(entry.id),
            "basis": .string(x.basis), "provider": .string(entry.providerID), "subject": .string(entry.subjectID),
            "invoked_at": .string(RFC3339.format(entry.time)), "review": .string("/v1/exceptions/\(review.id)"),
        ]
        return (review, JSONWriter.encode(alert, sortedKeys: true))
    }

    static func receiptsByConsent(_ consents: [Consent]) -> [String: String] {
        var out: [String: String] = [:]
        for c in consents { if let r = c.receiptID { out[c.id] = r } }
        return out
    }

    func append(_ entry: DisclosureEntry) async throws -> LedgerReceipt {
        try await append([entry])[0]
    }

    /// Appends the entries in one transaction (a gateway body's subjects, one entry each): every
    /// one is durable before this returns, or none is and the answer is 503.
    func append(_ entries: [DisclosureEntry]) async throws -> [LedgerReceipt] {
        let appends = entries.map { entry in
            let flagged = reviewAndAlert(entry)
            return LedgerAppend(
                disclosureID: entry.id, subjectID: entry.subjectID, providerID: entry.providerID, purpose: entry.purpose,
                recordedAt: entry.time, entry: entry.canonicalBytes, review: flagged?.0, alert: flagged?.1,
                references: entry.references)
        }
        do {
            return try await services.store.append(appends)
        } catch {
            services.metrics.recordLedgerFailure()
            throw Problem.ledgerUnavailable
        }
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.discloser, .exceptionOfficer)
        let body = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
        let reader: JSONObjectReader
        let fields: [String]
        do {
            reader = try JSONObjectReader(body)
            fields = try reader.strings("fields")
        } catch {
            throw Problem.invalidField(error)
        }
        let env = try envelope(reader, principal: principal, extra: ["fields"])
        let active = try services.activePolicy()
        let input = try await input(env, now: services.clock())
        let result: DecisionResult
        do {
            result = try active.engine.decide(fields: fields, input: input)
        } catch {
            throw Self.problem(error, active.engine.bundle)
        }
        var w = JSONWriter(reservingCapacity: 64 + 200 * result.decisions.count)
        w.raw("{")
        w.writeDecisions(
            result.decisions, notices: result.notices, receipts: Self.receiptsByConsent(input.consents),
            citations: active.basisCitations)
        w.raw("}")
        return .json(bytes: w.bytes)
    }

    /// The accounting of disclosures about a subject: JSON (every entry as hashed), CSV or a
    /// printable HTML report, for every recipient or in HIPAA's scope, over a date range, with the
    /// signed checkpoint that proves it. A subject with no disclosure gets an empty list.
    @Sendable func accounting(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let subjectID = try context.parameters.id("id")
        let query = try Self.accountingQuery(request)
        let format = try Self.accountingFormat(request)
        let bundle = services.policy.active?.engine.bundle
        // Delivery records first: they follow the disclosures they mark, perhaps on a later page.
        var undelivered: [String: String] = [:]
        var deliveries: [(entry: LedgerEntry, json: JSONValue, disclosureID: String)] = []
        for e in try await services.storeCall({ try await services.store.deliveryEntries(subjectID: subjectID) }) {
            let object = try e.checked(subjectID: subjectID)
            guard let (id, outcome) = DeliveryRecord.undelivered(in: object) else { throw Problem.ledgerDamaged(index: e.index) }
            undelivered[id] = outcome
            deliveries.append((e, .object(object), id))
        }
        // Recalls mark the disclosures they name.
        var recalled: [Int64: [RecallMark]] = [:]
        for r in try await services.storeCall({ try await services.store.recalls(subjectID: subjectID) }) {
            for d in r.disclosures {
                recalled[d.ledgerIndex, default: []].append(
                    RecallMark(
                        id: r.id, cause: r.cause.rawValue, categories: d.categories, status: r.status.rawValue,
                        openedAt: r.openedAt, acknowledgedAt: r.acknowledgedAt))
            }
        }
        let marks = Marks(undelivered: undelivered, recalled: recalled)
        var rows: [AccountingLine] = []
        var leftOut: [String: Int] = [:]
        guard format == "json" else {
            // CSV and HTML are documents for people: whole, not paged.
            for e in try await services.storeCall({ try await services.store.entries(subjectID: subjectID) }) {
                if let line = try Self.line(e, subjectID, marks, query, bundle, &leftOut) { rows.append(line) }
            }
            if format == "csv" {
                return Self.text(AccountingReport.csv(rows.map(\.row)), type: "text/csv; charset=utf-8; header=present")
            }
            // The disclosures shown and the delivery records marking them, each with its proof: the
            // receipts file, and what the HTML page checks by itself.
            let shown = Set(rows.compactMap { $0.json.objectValue?["id"]?.stringValue })
            let proven = (rows.map(\.entry) + deliveries.filter { shown.contains($0.disclosureID) }.map(\.entry))
                .sorted { $0.index < $1.index }
            let receipts = services.ledgerKey == nil ? nil : try await services.receiptBundle(subject: subjectID, entries: proven)
            if format == "bundle" {
                guard let receipts else { throw Problem.notFound("checkpoint: this service signs none") }
                return Self.response(receipts)
            }
            let html = AccountingReport.html(
                subject: subjectID, rows: rows.map(\.row), scope: query.scope, from: query.from, until: query.until,
                generatedAt: services.clock(), labels: bundle?.labels ?? Labels(),
                citations: bundle?.basisCitations ?? [:], leftOut: leftOut, receipts: receipts)
            return Self.text(html, type: "text/html; charset=utf-8")
        }
        // JSON, a page at a time in ledger order; the cursor is the last index shown.
        let checkpoint = try await services.storeCall { try await services.store.currentCheckpoint(now: services.clock()) }
        let page = try PageRequest(request)
        var after: Int64?
        if let a = page.after {
            guard let index = Int64(a), index >= 0 else { throw Problem.invalidQuery("cursor", "the 'next' of a previous page") }
            after = index
        }
        // One line more than the page shows, so that `next` is null on the last page.
        var exhausted = false
        while rows.count <= page.limit && !exhausted {
            let batch = try await services.storeCall {
                try await services.store.entries(subjectID: subjectID, after: after, limit: page.limit + 1)
            }
            exhausted = batch.count <= page.limit
            for e in batch {
                after = e.index
                if let line = try Self.line(e, subjectID, marks, query, bundle, &leftOut) { rows.append(line) }
                if rows.count > page.limit { break }
            }
        }
        var next: String?
        if rows.count > page.limit {
            rows.removeLast(rows.count - page.limit)
            next = rows.last.map { PageRequest.encode(String($0.entry.index)) }
        }
        let shown = Set(rows.compactMap { $0.json.objectValue?["id"]?.stringValue })
        func item(_ e: LedgerEntry, _ json: JSONValue) -> JSONObject {
            JSONObject([
                ("ledger_index", .number(String(e.index))), ("leaf_hash", .string(Data(e.leafHash).base64EncodedString())),
                ("entry", json),
            ])
        }
        var body = JSONObject([
            ("subject", .string(subjectID)), ("scope", .string(query.scope.rawValue)),
            (
                "disclosures",
                .array(
                    rows.map { line in
                        var o = item(line.entry, line.json)
                        if let outcome = line.row.notDelivered { o["not_delivered"] = .string(outcome) }
                        if !line.row.recalls.isEmpty { o["recalls"] = .array(line.row.recalls.map(\.json)) }
                        return .object(o)
                    })
            ),
            (
                "deliveries",
                // Those marking a disclosure on this page.
                .array(deliveries.filter { shown.contains($0.disclosureID) }.map { .object(item($0.entry, $0.json)) })
            ),
        ])
        body["checkpoint"] = checkpoint.map { .string($0.note) } ?? .null
        body["next"] = next.map(JSONValue.string) ?? .null
        return .json(.object(body))
    }

    /// One disclosure of the accounting, as hashed and as a line for people.
    struct AccountingLine {
        var entry: LedgerEntry
        var json: JSONValue
        var row: AccountingRow
    }

    /// What marks an accounting's lines: delivery records by disclosure id, recalls by index.
    struct Marks {
        var undelivered: [String: String]
        var recalled: [Int64: [RecallMark]]
    }

    /// The accounting line of an entry; nil for a delivery record or a recall's step (they mark a
    /// line, they are not one) and for a disclosure outside the period or left out by the scope
    /// (counted).
    static func line(
        _ e: LedgerEntry, _ subjectID: String, _ marks: Marks, _ query: AccountingQuery,
        _ bundle: PolicyBundle?, _ leftOut: inout [String: Int]
    ) throws -> AccountingLine? {
        let object = try e.checked(subjectID: subjectID)
        if object["kind"] != nil { return nil }
        let json = JSONValue.object(object)
        guard var row = AccountingRow(index: e.index, leafHash: Data(e.leafHash).base64EncodedString(), entry: json)
        else { throw Problem.ledgerDamaged(index: e.index) }
        row.notDelivered = object["id"]?.stringValue.flatMap { marks.undelivered[$0] }
        row.recalls = marks.recalled[e.index] ?? []
        guard query.inPeriod(row) else { return nil }
        if query.leftOutByScope(row, bundle: bundle) {
            leftOut[row.purpose, default: 0] += 1
            return nil
        }
        return AccountingLine(entry: e, json: json, row: row)
    }

    /// The accounting's media types, JSON first (the default), and the `format` alias of each.
    static let receiptBundleType = "application/vnd.discreet.receipts+json"

    /// A receipt bundle as the accounting and a ledger entry serve it.
    static func response(_ receipts: ReceiptBundle) -> Response {
        text(JSONWriter.string(receipts.json), type: receiptBundleType)
    }
    static let accountingTypes = [
        ("application/json", "json"), ("text/csv", "csv"), ("text/html", "html"), (receiptBundleType, "bundle"),
    ]

    /// JSON, CSV, HTML or a receipt bundle: by `Accept`, as typed clients ask; `?format=` (json, csv,
    /// html, bundle) is an alias that wins over the header, for a link a person clicks.
    static func accountingFormat(_ request: Request) throws -> String {
        let media = accountingTypes.map(\.0)
        if let f = request.uri.queryParameters["format"] {
            guard accountingTypes.contains(where: { $0.1 == f }) else {
                throw Problem.invalidQuery("format", "json, csv, html or bundle")
            }
            return String(f)
        }
        guard let chosen = ContentNegotiation.choose(request.headers[.accept], from: media) else {
            throw Problem.notAcceptable(media)
        }
        return accountingTypes.first { $0.0 == chosen }!.1
    }

    static func accountingQuery(_ request: Request) throws -> AccountingQuery {
        var q = AccountingQuery()
        if let s = request.uri.queryParameters["scope"] {
            guard let scope = AccountingQuery.Scope(rawValue: String(s)) else {
                throw Problem.invalidQuery("scope", "all or hipaa")
            }
            q.scope = scope
        }
        if let s = request.uri.queryParameters["from"] {
            guard let d = RFC3339.parse(String(s)) else { throw Problem.invalidQuery("from", "an RFC 3339 date or date-time") }
            q.from = d
        }
        if let s = request.uri.queryParameters["to"] {
            guard let d = RFC3339.parse(String(s)) else { throw Problem.invalidQuery("to", "an RFC 3339 date or date-time") }
            // A date alone includes that whole day.
            q.until = s.count == 10 ? d.addingTimeInterval(86_400) : d
        }
        if let f = q.from, let u = q.until, u <= f { throw Problem.invalidQuery("to", "after 'from'") }
        return q
    }

    static func text(_ s: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: s)))
    }
}
