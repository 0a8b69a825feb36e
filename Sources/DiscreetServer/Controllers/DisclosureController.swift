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
        case .unknownPurpose(let p): .unknownName("purpose", p, field: "/purpose", known: Array(bundle.purposes.keys))
        case .unknownRecordType(let t): .unknownName("record type", t, field: "/record_type", known: Array(bundle.records.keys))
        case .unknownException(let e):
            .unknownName("exception", e, field: "/exception/basis", known: Array(bundle.exceptions.keys))
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
        let input = try await input(env, now: now)
        let id = RecordID.make("dsc-", at: now)
        var entry = DisclosureEntry(
            id: id, time: now, providerID: env.provider, purpose: env.purpose, subjectID: env.subject,
            recordType: env.recordType,
            policy: .init(revision: active.stored.revision, label: active.stored.label, digest: active.stored.digest),
            keyID: principal.keyID, decisions: [], exception: env.exception)
        let result: DisclosureResult
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
        let payload = JSONWriter.encode(.object(result.released), sortedKeys: true)
        entry.decisions = result.decisions
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
        w.writeDecisions(result.decisions, notices: result.notices, receipts: entry.receipts)
        w.raw(",\"receipt\":{\"ledger_index\":")
        w.bytes.append(contentsOf: String(receipt.index).utf8)
        w.raw(",\"leaf_hash\":")
        w.writeString(Data(receipt.leafHash).base64EncodedString())
        w.raw(",\"checkpoint\":")
        w.writeStringOrNull(receipt.checkpoint)
        w.raw("}}")
        return .json(bytes: w.bytes)
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
        let flagged = reviewAndAlert(entry)
        do {
            return try await services.store.append(
                LedgerAppend(
                    disclosureID: entry.id, subjectID: entry.subjectID, providerID: entry.providerID, purpose: entry.purpose,
                    recordedAt: entry.time, entry: entry.canonicalBytes, review: flagged?.0, alert: flagged?.1))
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
        w.writeDecisions(result.decisions, notices: result.notices, receipts: Self.receiptsByConsent(input.consents))
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
        let entries = try await services.storeCall { try await services.store.entries(subjectID: subjectID) }
        let checkpoint = try await services.storeCall { try await services.store.currentCheckpoint(now: services.clock()) }
        let bundle = services.policy.active?.engine.bundle
        var rows: [(LedgerEntry, JSONValue, AccountingRow)] = []
        var leftOut: [String: Int] = [:]
        var checked: [(LedgerEntry, JSONObject)] = []
        var undelivered: [String: String] = [:]
        for e in entries {
            let object = try e.checked(subjectID: subjectID)
            if let (id, outcome) = DeliveryRecord.undelivered(in: object) { undelivered[id] = outcome }
            checked.append((e, object))
        }
        var deliveryItems: [(LedgerEntry, JSONValue)] = []
        for (e, object) in checked {
            let json = JSONValue.object(object)
            if DeliveryRecord.undelivered(in: object) != nil {
                // A delivery record is not a disclosure: it marks one, and is listed (in JSON) to be checked.
                deliveryItems.append((e, json))
                continue
            }
            guard var row = AccountingRow(index: e.index, leafHash: Data(e.leafHash).base64EncodedString(), entry: json)
            else { throw Problem.ledgerDamaged(index: e.index) }
            row.notDelivered = object["id"]?.stringValue.flatMap { undelivered[$0] }
            guard query.inPeriod(row) else { continue }
            if query.leftOutByScope(row, bundle: bundle) {
                leftOut[row.purpose, default: 0] += 1
            } else {
                rows.append((e, json, row))
            }
        }
        switch format {
        case "csv":
            return Self.text(AccountingReport.csv(rows.map(\.2)), type: "text/csv; charset=utf-8; header=present")
        case "html":
            let html = AccountingReport.html(
                subject: subjectID, rows: rows.map(\.2), scope: query.scope, from: query.from, until: query.until,
                generatedAt: services.clock(), checkpoint: checkpoint?.note, labels: bundle?.labels ?? Labels(),
                leftOut: leftOut)
            return Self.text(html, type: "text/html; charset=utf-8")
        default:
            let shown = Set(rows.compactMap { $0.1.objectValue?["id"]?.stringValue })
            var body = JSONObject([
                ("subject", .string(subjectID)), ("scope", .string(query.scope.rawValue)),
                (
                    "disclosures",
                    .array(
                        rows.map { e, json, row in
                            var item = JSONObject([
                                ("ledger_index", .number(String(e.index))),
                                ("leaf_hash", .string(Data(e.leafHash).base64EncodedString())), ("entry", json),
                            ])
                            if let outcome = row.notDelivered { item["not_delivered"] = .string(outcome) }
                            return .object(item)
                        })
                ),
                (
                    "deliveries",
                    .array(
                        deliveryItems.filter { _, json in
                            // Those about a disclosure shown, which they mark.
                            guard let o = json.objectValue, let (id, _) = DeliveryRecord.undelivered(in: o) else { return false }
                            return shown.contains(id)
                        }.map { e, json in
                            [
                                "ledger_index": .number(String(e.index)),
                                "leaf_hash": .string(Data(e.leafHash).base64EncodedString()), "entry": json,
                            ]
                        })
                ),
            ])
            body["checkpoint"] = checkpoint.map { .string($0.note) } ?? .null
            return .json(.object(body))
        }
    }

    static let accountingTypes = ["application/json": "json", "text/csv": "csv", "text/html": "html"]

    /// JSON, CSV or HTML: by `Accept`, as typed clients ask; `?format=` (json, csv, html) is an
    /// alias that wins over the header, for a link a person clicks.
    static func accountingFormat(_ request: Request) throws -> String {
        if let f = request.uri.queryParameters["format"] {
            guard ["json", "csv", "html"].contains(String(f)) else { throw Problem.invalidQuery("format", "json, csv or html") }
            return String(f)
        }
        guard
            let media = ContentNegotiation.choose(
                request.headers[.accept], from: ["application/json", "text/csv", "text/html"])
        else { throw Problem.notAcceptable(["application/json", "text/csv", "text/html"]) }
        return accountingTypes[media]!
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
