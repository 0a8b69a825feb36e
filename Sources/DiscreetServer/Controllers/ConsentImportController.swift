import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird

/// `POST /v1/consents/import` (consent-manager): an existing client base's consents, as NDJSON
/// (one grant object a line, with its `subject`) or CSV (a header line, then one consent a line;
/// lists separated by `;`). Each line is validated as a grant is. All or nothing by default;
/// `?mode=partial` imports the valid lines and reports the others.
///
/// Memory stays bounded whatever the size: the body is read as it streams, valid consents go to
/// the store in batches, and at most `reportLimit` refused lines are reported in detail.
struct ConsentImportController {
    let services: DiscreetServices

    static let batchSize = 500
    static let maxLineBytes = 64 * 1024
    static let reportLimit = 1000
    static let csvColumns = [
        "subject", "provider", "purposes", "categories", "granted_at", "expires_at", "method", "evidence_digest",
        "evidence_reference", "notice_version", "acknowledges_conflict",
    ]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/import", use: importConsents)
    }

    enum Format { case ndjson, csv, json }

    struct Report {
        var lines = 0
        var imported = 0
        var refused = 0
        var errors: [JSONValue] = []

        mutating func refuse(line: Int, _ issues: [JSONFieldError]) {
            refused += 1
            guard errors.count < ConsentImportController.reportLimit else { return }
            errors.append(["line": .number(String(line)), "errors": .array(issues.map(\.json))])
        }

        func json(mode: String) -> JSONValue {
            [
                "mode": .string(mode), "lines": .number(String(lines)), "imported": .number(String(imported)),
                "refused": .number(String(refused)), "errors": .array(errors), "errors_truncated": .bool(refused > errors.count),
            ]
        }
    }

    @Sendable func importConsents(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.consentManager)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let format: Format
        if type.hasPrefix("application/x-ndjson") || type.hasPrefix("application/ndjson") {
            format = .ndjson
        } else if type.hasPrefix("text/csv") {
            format = .csv
        } else if type.hasPrefix("application/json") {
            format = .json
        } else {
            throw Problem.unsupportedMediaType("application/x-ndjson, text/csv, or application/json ({\"consents\": [...]})")
        }
        let mode = request.uri.queryParameters["mode"].map(String.init) ?? "all-or-nothing"
        guard mode == "all-or-nothing" || mode == "partial" else {
            throw Problem.invalidQuery("mode", "all-or-nothing or partial")
        }
        let partial = mode == "partial"
        let bundle = try services.activePolicy().engine.bundle
        let providers = Set(try await services.storeCall { try await services.store.providers() }.map(\.id))
        let now = services.clock()
        let rules = ConsentRules.forGrant(bundle: bundle, now: now, isRegistered: providers.contains)
        let importID = RecordID.make("imp-", at: now)

        var report = Report()
        var batch: [Consent] = []
        var header: [String]?
        var splitter = LineSplitter(maxLineBytes: Self.maxLineBytes)
        var received = 0

        func flush() async throws {
            guard !batch.isEmpty else { return }
            let consents = batch
            batch.removeAll(keepingCapacity: true)
            if partial {
                try await services.storeCall { try await services.store.insertConsents(consents) }
                report.imported += consents.count
            } else {
                try await services.storeCall { try await services.store.stageConsents(importID: importID, consents) }
            }
        }

        func handle(_ bytes: [UInt8]) async throws {
            report.lines += 1
            let number = report.lines
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                report.lines -= 1
                return
            }
            let body: JSONValue
            switch format {
            case .ndjson:
                do {
                    body = try JSONParser.parse(bytes)
                } catch {
                    report.refuse(line: number, [JSONFieldError(path: "/", message: "not valid JSON: \(error.description)")])
                    return
                }
            case .csv:
                guard let text = String(validating: bytes, as: UTF8.self), let fields = CSVRecord.fields(text) else {
                    report.refuse(line: number, [JSONFieldError(path: "/", message: "not a valid CSV line")])
                    return
                }
                if header == nil {
                    report.lines -= 1
                    guard Set(fields).isSuperset(of: Self.csvColumns.dropLast()), Set(fields).isSubset(of: Self.csvColumns) else {
                        throw Problem(
                            .unprocessableContent, "invalid-import", title: "The CSV header is not as expected",
                            detail:
                                "The first line names the columns: \(Self.csvColumns.joined(separator: ",")) (the last is optional)."
                        )
                    }
                    header = fields
                    return
                }
                body = Self.grant(fromCSV: fields, header: header!)
            case .json:
                return
            }
            try await handleGrant(body, number)
        }

        /// One grant of the import, line `number` (or element `number` of a JSON body).
        func handleGrant(_ body: JSONValue, _ number: Int) async throws {
            var object = body.objectValue ?? JSONObject()
            let subject = object["subject"]?.stringValue ?? ""
            object["subject"] = nil
            // Named with the line's other problems, not before them.
            let subjectErrors =
                !subject.isEmpty && subject.utf8.count <= 200
                ? [] : [JSONFieldError(path: "/subject", message: "required: the professional's id for the person")]
            switch Consent.grant(
                id: RecordID.make("cns-", at: now), subject: subject,
                body: body.objectValue == nil ? body : .object(object),
                rules: rules)
            {
            case .failure(let e):
                report.refuse(line: number, subjectErrors + e.errors)
            case .success(let consent):
                guard subjectErrors.isEmpty else {
                    report.refuse(line: number, subjectErrors)
                    return
                }
                // All or nothing, and already refused: keep checking lines, keep nothing.
                if !partial && report.refused > 0 { return }
                batch.append(try await services.receipts.granting(consent, at: now))
                if batch.count >= Self.batchSize { try await flush() }
            }
        }

        do {
            if format == .json {
                // Typed clients' form: one JSON document, so bounded like any JSON body.
                let document = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
                let grants: [JSONValue]
                do {
                    let reader = try JSONObjectReader(document)
                    try reader.rejectUnknown(["consents"])
                    guard case .array(let list) = try reader.required("consents") else {
                        throw JSONFieldError(path: "/consents", message: "expected an array of grants, each with its subject")
                    }
                    grants = list
                } catch let error as JSONFieldError {
                    throw Problem.invalidField(error)
                }
                for grant in grants {
                    report.lines += 1
                    try await handleGrant(grant, report.lines)
                }
            } else {
                for try await chunk in request.body {
                    received += chunk.readableBytes
                    guard received <= services.configuration.maxImportBytes else {
                        throw Problem.bodyTooLarge(limit: services.configuration.maxImportBytes)
                    }
                    let lines: [[UInt8]]
                    do {
                        lines = try splitter.feed(chunk.readableBytesView)
                    } catch {
                        throw Problem(
                            .unprocessableContent, "invalid-import", title: "A line is too long",
                            detail:
                                "Line \(report.lines + 1) is longer than \(Self.maxLineBytes) bytes; nothing was imported from it onwards."
                        )
                    }
                    for line in lines { try await handle(line) }
                }
                if let last = splitter.finish() { try await handle(last) }
            }
            guard report.lines > 0 else {
                throw Problem(
                    .unprocessableContent, "invalid-import", title: "No consent in the body",
                    detail:
                        "The body holds no consent: send one grant a line (NDJSON), or a CSV header line and one consent a line.")
            }
            if !partial && report.refused > 0 {
                try? await services.store.discardStagedConsents(importID: importID)
                throw Problem(
                    .unprocessableContent, "import-refused", title: "The import was refused whole",
                    detail:
                        "\(report.refused) of \(report.lines) line(s) are not valid consents; nothing was imported. Fix them, or send ?mode=partial.",
                    extensions: [("report", report.json(mode: mode))])
            }
            try await flush()
            if !partial {
                report.imported = try await services.storeCall {
                    try await services.store.commitStagedConsents(importID: importID)
                }
            }
        } catch {
            if !partial { try? await services.store.discardStagedConsents(importID: importID) }
            throw error
        }
        return .json(report.json(mode: mode))
    }

    /// A CSV record as a grant body.
    static func grant(fromCSV fields: [String], header: [String]) -> JSONValue {
        var o = JSONObject()
        var evidence = JSONObject()
        for (name, value) in zip(header, fields) {
            switch name {
            case "purposes", "categories":
                o[name] = .array(value.split(separator: ";").map { .string(String($0).trimmingCharacters(in: .whitespaces)) })
            case "evidence_digest": evidence["digest"] = value.isEmpty ? nil : .string(value)
            case "evidence_reference": evidence["reference"] = value.isEmpty ? nil : .string(value)
            case "acknowledges_conflict": if !value.isEmpty { o[name] = .bool(value == "true") }
            default: if !value.isEmpty { o[name] = .string(value) }
            }
        }
        if !evidence.isEmpty { o["evidence"] = .object(evidence) }
        return .object(o)
    }
}
