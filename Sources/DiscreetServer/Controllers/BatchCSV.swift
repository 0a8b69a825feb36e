import DiscreetJSON
import DiscreetPolicy
import Foundation

/// A CSV batch's header read against the record type: which column is the provider, the
/// purpose, the subject, and which are the record's field paths. Checked whole before any row is
/// read, so a file whose columns do not fit is refused at once rather than row by row.
struct BatchCSVColumns: Sendable {
    /// Columns (or query parameters) naming the request around each row's record.
    static let control = ["provider", "purpose", "subject"]
    /// At most this many column names are listed in a refusal.
    static let listed = 20

    let recordType: String
    /// Values given once for every row, as query parameters.
    let fixed: [String: String]
    /// The header's position of each control column present.
    let controlAt: [String: Int]
    /// The record's columns: position in the row and the field path it holds, in header order.
    let fields: [(index: Int, path: String)]
    let width: Int

    /// `query` holds `record_type` and any of the control names; `records` the active policy's.
    init(header: [String], query: [String: String], records: [String: RecordType]) throws(Problem) {
        guard let name = query["record_type"], let type = records[name] else {
            throw Problem.csvColumns(
                "The query parameter record_type must name a record type of the active policy (\(UnknownName.known(records.keys.sorted()))).",
                columns: [])
        }
        recordType = name
        var controlAt: [String: Int] = [:]
        var fields: [(Int, String)] = []
        var unknown: [String] = []
        var seen = Set<String>()
        var twice: [String] = []
        for (i, raw) in header.enumerated() {
            let column = raw.trimmingCharacters(in: .whitespaces)
            if !seen.insert(column).inserted { twice.append(column) }
            if Self.control.contains(column) {
                controlAt[column] = i
            } else if type.fields[column] != nil, !column.contains("[]") {
                fields.append((i, column))
            } else {
                unknown.append(column)
            }
        }
        if !twice.isEmpty {
            throw Problem.csvColumns("These columns appear more than once in the header.", columns: twice)
        }
        if !unknown.isEmpty {
            throw Problem.csvColumns(
                "These columns are not field paths of record type '\(name)' (an array's paths cannot be a column): "
                    + "rename or drop them.", columns: unknown)
        }
        var fixed: [String: String] = [:]
        var missing: [String] = []
        for c in Self.control {
            switch (controlAt[c], query[c]) {
            case (nil, nil): missing.append(c)
            case (.some, .some):
                throw Problem.csvColumns("'\(c)' is both a column and a query parameter: keep one.", columns: [c])
            case (nil, let value?): fixed[c] = value
            case (.some, nil): break
            }
        }
        if !missing.isEmpty {
            throw Problem.csvColumns(
                "Each row needs a provider, a purpose and a subject: give these as columns or as query parameters.",
                columns: missing)
        }
        guard !fields.isEmpty else {
            throw Problem.csvColumns("The header names no field of record type '\(name)'.", columns: [])
        }
        self.fixed = fixed
        self.controlAt = controlAt
        self.fields = fields
        width = header.count
    }

    /// The row as the single call's request body; an empty cell is a value not sent.
    func request(_ cells: [String]) throws(Problem) -> JSONValue {
        guard cells.count == width else {
            throw Problem.malformedCSV("the row has \(cells.count) cells where the header has \(width)")
        }
        var o = JSONObject()
        for c in Self.control {
            if let value = fixed[c] {
                o[c] = .string(value)
            } else if let i = controlAt[c], !cells[i].isEmpty {
                o[c] = .string(cells[i])
            }
        }
        o["record_type"] = .string(recordType)
        var record = JSONValue.object(JSONObject())
        for (i, path) in fields where !cells[i].isEmpty {
            record = record.setting(.string(cells[i]), at: path.split(separator: ".").map(String.init)[...])
        }
        o["record"] = record
        return .object(o)
    }

    /// The released row, as `BatchCSVFile.releasedRow` writes it.
    func releasedRow(_ released: JSONValue?) -> String {
        BatchCSVFile.releasedRow(released, columns: fields.map(\.path))
    }
}

/// The released-columns file of a CSV batch, shared by the service and `discreet disclose
/// --batch`, which writes it from the NDJSON answers so that one run gives both the file and the
/// report.
public enum BatchCSVFile {
    /// The field columns of a header row: its cells but the control columns, in order. Nil when
    /// the row is not CSV.
    public static func fieldColumns(header: String) -> [String]? {
        CSVRecord.fields(header)?.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !BatchCSVColumns.control.contains($0)
        }
    }

    /// The header line of the released file.
    public static func header(_ columns: [String]) -> String {
        columns.map(AccountingReport.csvField).joined(separator: ",") + "\r\n"
    }

    /// A released record as a row: each column's value (its text, or its JSON for an object),
    /// empty where the field was withheld.
    public static func releasedRow(_ released: JSONValue?, columns: [String]) -> String {
        let cells = columns.map { path -> String in
            var current = released
            for name in path.split(separator: ".") { current = current?[String(name)] }
            switch current {
            case .string(let s)?: return s
            case .number(let n)?: return n
            case .bool(let b)?: return b ? "true" : "false"
            case nil, .null?: return ""
            case let value?: return String(decoding: JSONWriter.encode(value), as: UTF8.self)
            }
        }
        return cells.map(AccountingReport.csvField).joined(separator: ",") + "\r\n"
    }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}

extension Problem {
    static func csvColumns(_ detail: String, columns: [String]) -> Problem {
        Problem(
            .unprocessableContent, "csv-columns", title: "The CSV's columns do not fit the record type",
            detail: detail,
            extensions: [("columns", .array(columns.prefix(BatchCSVColumns.listed).map(JSONValue.string)))])
    }

    static func malformedCSV(_ why: String) -> Problem {
        Problem(.badRequest, "malformed-csv", title: "The row is not valid CSV", detail: "The row could not be read: \(why).")
    }
}

/// A decision report as CSV: one row per field decision of each line, or one row naming the
/// problem of a line that was refused. No value appears in it.
enum BatchReportCSV {
    static let header = "line,disclosure_id,ledger_index,field,outcome,reason,transform,problem\r\n"

    static func rows(line: Int, answer: JSONValue?, problem: Problem?) -> String {
        let field = AccountingReport.csvField
        if let problem {
            return "\(line),,,,,,,\(field(problem.slug))\r\n"
        }
        let id = answer?["disclosure_id"]?.stringValue ?? ""
        let index: String =
            if case .number(let n)? = answer?["receipt"]?["ledger_index"] { n } else { "" }
        var out = ""
        for d in answer?["decisions"]?.arrayValue ?? [] {
            let cells = [
                d["field"]?.stringValue ?? "", d["outcome"]?.stringValue ?? "", d["reason"]?.stringValue ?? "",
                d["transform"]?.stringValue ?? "",
            ]
            out += "\(line),\(field(id)),\(index),\(cells.map(field).joined(separator: ",")),\r\n"
        }
        return out
    }
}
