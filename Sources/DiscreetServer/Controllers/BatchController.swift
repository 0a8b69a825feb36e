import DiscreetJSON
import DiscreetStore
import Hummingbird
import NIOCore

/// `POST /v1/disclosures/batch` (discloser, exception-officer): one disclosure request a line,
/// each decided, recorded (its own ledger entry) and answered as the single call answers it, in
/// the body's order. NDJSON in and out; or CSV in (a header of the record type's field paths, with
/// provider, purpose and subject as columns or query parameters) and out, either the released
/// columns row by row (what goes to the provider) or, with `report=csv|ndjson`, each line's
/// decisions or problem.
///
/// Streamed both ways with bounded memory: at most `window` lines are decided or waiting to be
/// written at once, so a file of any size passes through, and those in flight share the ledger's
/// group commit. Each piece of the body that arrives is answered before the next is read. A line
/// that fails is answered with its problem and stops nothing. A blank line is skipped; line
/// numbers count every line of the body from 1. When the client goes away, no further line is
/// read: every line answered is in the ledger, and at most the lines in flight (never more than
/// `window`) are recorded without their answer reaching anyone.
struct BatchController {
    let services: DiscreetServices

    /// Lines decided at once: enough for the group commit to share its syncs.
    static let window = 64

    /// What the answer holds.
    enum Output: Sendable {
        /// `{"line","disclosure"|"problem"}` a line.
        case ndjson
        /// The header's field columns, each row as released; refused rows are left out.
        case releasedCSV
        /// One row per field decision, or per refused line.
        case reportCSV
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("disclosures/batch", use: batch)
    }

    @Sendable func batch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.discloser, .exceptionOfficer)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let csv = type.hasPrefix("text/csv")
        guard csv || type.hasPrefix("application/x-ndjson") else {
            throw Problem.unsupportedMediaType("application/x-ndjson, text/csv")
        }
        let query = request.uri.queryParameters
        let output: Output
        switch query["report"].map(String.init) {
        case nil: output = csv ? .releasedCSV : .ndjson
        case "ndjson": output = .ndjson
        case "csv": output = .reportCSV
        default: throw Problem.invalidQuery("report", "ndjson or csv")
        }
        let disclosures = DisclosureController(services: services)
        let maxLine = services.configuration.maxBodyBytes
        let deadline = services.configuration.storeDeadline
        let input = BatchInput(request.body.makeAsyncIterator(), BatchLines(maxLineBytes: maxLine, quoted: csv))
        var columns: BatchCSVColumns?
        if csv {
            // The header is read and checked before the answer starts: columns that do not fit
            // are one 422, not a 200 of failed rows.
            let header = try await input.header()
            var given: [String: String] = [:]
            for name in BatchCSVColumns.control + ["record_type"] {
                if let value = query[name[...]] { given[name] = String(value) }
            }
            columns = try BatchCSVColumns(
                header: header, query: given, records: try services.activePolicy().engine.bundle.records)
        }
        let csvColumns = columns
        let contentType = output == .ndjson ? "application/x-ndjson" : "text/csv; charset=utf-8"
        return Response(
            status: .ok, headers: [.contentType: contentType],
            body: ResponseBody { writer in
                switch output {
                case .ndjson: break
                case .releasedCSV:
                    try await writer.write(ByteBuffer(string: BatchCSVFile.header(csvColumns?.fields.map(\.path) ?? [])))
                case .reportCSV:
                    try await writer.write(ByteBuffer(string: BatchReportCSV.header))
                }
                // Each line has a store budget of its own, as a single call has.
                try await StoreBudget.$current.withValue(nil) {
                    try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                        var answered: [Int: [UInt8]] = [:]
                        var inFlight = 0
                        var started = 0
                        var written = 0
                        func start(_ line: BatchLines.Line) {
                            let seq = started
                            started += 1
                            inFlight += 1
                            group.addTask {
                                let bytes = await StoreBudget.$current.withValue(StoreBudget(deadline)) {
                                    let answer = await Self.answer(line, csvColumns, disclosures, principal)
                                    return Self.format(answer, output, csvColumns)
                                }
                                return (seq, bytes)
                            }
                        }
                        /// Takes one finished line and writes every answer now in order.
                        func collect() async throws {
                            guard let (seq, bytes) = try await group.next() else { return }
                            inFlight -= 1
                            answered[seq] = bytes
                            var out = ByteBuffer()
                            while let next = answered.removeValue(forKey: written) {
                                out.writeBytes(next)
                                written += 1
                            }
                            if out.readableBytes > 0 { try await writer.write(out) }
                        }
                        while let lines = try await input.next() {
                            for line in lines {
                                while inFlight + answered.count >= Self.window { try await collect() }
                                start(line)
                            }
                            // What arrived is answered before more is read: a client sending a line
                            // at a time gets each answer as it goes, and one that has gone away is
                            // noticed before the next piece is decided.
                            while inFlight > 0 { try await collect() }
                        }
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// One line decided: the single call's answer, or the problem it would have answered.
    struct LineAnswer: Sendable {
        var line: Int
        var disclosure: [UInt8]?
        var problem: Problem?
    }

    static func answer(
        _ line: BatchLines.Line, _ columns: BatchCSVColumns?, _ disclosures: DisclosureController, _ principal: Principal
    ) async -> LineAnswer {
        do {
            guard let bytes = line.bytes else {
                throw Problem.bodyTooLarge(limit: disclosures.services.configuration.maxBodyBytes)
            }
            let body: JSONValue
            if let columns {
                guard let text = String(validating: bytes, as: UTF8.self), let cells = CSVRecord.fields(text) else {
                    throw Problem.malformedCSV("it is not UTF-8 text of cells separated by commas, quoted with \"")
                }
                body = try columns.request(cells)
            } else {
                do {
                    body = try JSONParser.parse(bytes)
                } catch {
                    throw Problem.malformedJSON(error)
                }
            }
            return LineAnswer(line: line.number, disclosure: try await disclosures.disclose(body, principal: principal))
        } catch {
            return LineAnswer(line: line.number, problem: (error as? Problem) ?? Problem.storeUnavailable)
        }
    }

    /// A line's answer as the output holds it.
    static func format(_ a: LineAnswer, _ output: Output, _ columns: BatchCSVColumns?) -> [UInt8] {
        switch output {
        case .ndjson:
            var w = JSONWriter(reservingCapacity: 1024)
            w.raw("{\"line\":")
            w.bytes.append(contentsOf: String(a.line).utf8)
            if let disclosure = a.disclosure {
                w.raw(",\"disclosure\":")
                w.bytes.append(contentsOf: disclosure)
            } else if let problem = a.problem {
                w.raw(",\"problem\":")
                w.write(problem.json)
            }
            w.raw("}\n")
            return w.bytes
        case .releasedCSV:
            guard let disclosure = a.disclosure, let columns, let answer = try? JSONParser.parse(disclosure) else { return [] }
            return Array(columns.releasedRow(answer.objectValue?["released"]).utf8)
        case .reportCSV:
            let answer = a.disclosure.flatMap { try? JSONParser.parse($0) }
            return Array(BatchReportCSV.rows(line: a.line, answer: answer, problem: a.problem).utf8)
        }
    }
}

/// The request body's iterator and the lines read from it, handed from the handler (which reads
/// a CSV's header before answering) to the response writer (which reads the rest). One task
/// uses it at a time, one after the other: the handler's reads end before the writer's begin.
final class BatchInput: @unchecked Sendable {
    private var body: RequestBody.AsyncIterator
    private var lines: BatchLines
    private var early: [BatchLines.Line] = []
    private var ended = false

    init(_ body: RequestBody.AsyncIterator, _ lines: BatchLines) {
        self.body = body
        self.lines = lines
    }

    /// The lines of the next piece of the body (perhaps none), nil at its end.
    func next() async throws -> [BatchLines.Line]? {
        if !early.isEmpty {
            defer { early = [] }
            return early
        }
        guard !ended else { return nil }
        if let chunk = try await body.next() { return lines.feed(chunk.readableBytesView) }
        ended = true
        return lines.finish().map { [$0] } ?? nil
    }

    /// The first row's cells; the lines read with it are kept for `next`.
    func header() async throws -> [String] {
        while early.isEmpty, let more = try await next() { early = more }
        guard !early.isEmpty, let bytes = early.removeFirst().bytes, let text = String(validating: bytes, as: UTF8.self),
            let cells = CSVRecord.fields(text)
        else {
            throw Problem.csvColumns("The body must start with a header row naming its columns, in UTF-8.", columns: [])
        }
        return cells
    }
}

/// Splits a batch body into numbered lines, holding at most one line: a line longer than the
/// limit is answered as too large (`bytes` nil) and the next one read, never the body refused.
/// For CSV (`quoted`), a newline inside a quoted cell belongs to the row, and a row is numbered by
/// the line of the file it starts on.
struct BatchLines {
    struct Line: Sendable {
        var number: Int
        /// Nil for a line over the limit.
        var bytes: [UInt8]?
    }

    let maxLineBytes: Int
    let quoted: Bool
    private var pending: [UInt8] = []
    private var tooLong = false
    private var inQuotes = false
    /// The line of the file the pending row started on, and the newlines it holds so far.
    private var line = 1
    private var newlinesInRow = 0

    init(maxLineBytes: Int, quoted: Bool = false) {
        self.maxLineBytes = maxLineBytes
        self.quoted = quoted
    }

    /// The lines `chunk` completes; blank ones are counted, not returned.
    mutating func feed(_ chunk: some Collection<UInt8>) -> [Line] {
        var out: [Line] = []
        for byte in chunk {
            if quoted && byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if byte == UInt8(ascii: "\n") {
                if !inQuotes {
                    if let line = end() { out.append(line) }
                    continue
                }
                newlinesInRow += 1
            }
            if !tooLong {
                if pending.count < maxLineBytes {
                    pending.append(byte)
                } else {
                    tooLong = true
                    pending = []
                }
            }
        }
        return out
    }

    /// The last line, when the body does not end with a newline (or ends inside a quoted cell).
    mutating func finish() -> Line? {
        guard tooLong || !pending.isEmpty else { return nil }
        return end()
    }

    private mutating func end() -> Line? {
        let number = line
        line += 1 + newlinesInRow
        defer {
            pending.removeAll(keepingCapacity: true)
            tooLong = false
            inQuotes = false
            newlinesInRow = 0
        }
        if tooLong { return Line(number: number, bytes: nil) }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        guard pending.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Line(number: number, bytes: pending)
    }
}
