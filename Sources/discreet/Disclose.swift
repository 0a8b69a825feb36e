import ArgumentParser
import AsyncHTTPClient
import DiscreetJSON
import DiscreetServer
import Foundation
import NIOCore
import Synchronization

/// `discreet disclose --batch FILE`: a nightly export sent through the running service's
/// `POST /v1/disclosures/batch`, streamed both ways, with a progress bar and a summary.
struct Disclose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a file of records through the running service, each decided and recorded on its own.",
        discussion: """
            The file is NDJSON (one POST /v1/disclosures body a line) or, for a .csv file or with --csv, CSV whose \
            header names the record type's field paths, with provider, purpose and subject as columns or options. \
            Out (standard output or --output): the NDJSON answers, or for CSV the released columns ready for the \
            provider; --report also writes every line's answer as NDJSON. The key is read from DISCREET_KEY (a \
            discloser's). A progress bar goes to standard error when it is a terminal, and a summary at the end. \
            Exits 0 when every line was disclosed, 2 when some were refused (the report says why), 1 when the \
            batch could not be sent.
            """)

    @Option(help: "The file to send; '-' reads standard input.") var batch: String
    @Option(help: "The service's base URL.") var url = "http://127.0.0.1:8080"
    @Flag(help: "The file is CSV (implied by a .csv name).") var csv = false
    @Option(help: "CSV: the record type the header's columns belong to.") var recordType: String?
    @Option(help: "CSV: the provider of every row, when it is not a column.") var provider: String?
    @Option(help: "CSV: the purpose of every row, when it is not a column.") var purpose: String?
    @Option(help: "CSV: the subject of every row, when it is not a column.") var subject: String?
    @Option(help: "Where the answers (or the released CSV) go; default standard output.") var output: String?
    @Option(help: "Also write every line's answer here, as NDJSON.") var report: String?

    var isCSV: Bool { csv || batch.lowercased().hasSuffix(".csv") }

    func validate() throws {
        if isCSV, recordType == nil { throw ValidationError("a CSV batch needs --record-type") }
        if !isCSV, [recordType, provider, purpose, subject].contains(where: { $0 != nil }) {
            throw ValidationError("--record-type, --provider, --purpose and --subject are for a CSV batch")
        }
    }

    func run() async throws {
        guard let key = ProcessInfo.processInfo.environment["DISCREET_KEY"], !key.isEmpty else {
            throw CommandError("set DISCREET_KEY to a discloser's key")
        }
        if isCSV, batch == "-" { throw CommandError("a CSV batch is read from a file (its header is read first)") }
        let input = try BatchFile(path: batch)
        let out = try OutputFile(output)
        let reportOut = try report.map { try OutputFile($0) }
        var columns: [String]?
        if isCSV {
            guard let header = input.firstLine(), let c = BatchCSVFile.fieldColumns(header: header) else {
                throw CommandError("\(batch) does not start with a CSV header row")
            }
            columns = c
            out.write(BatchCSVFile.header(c))
        }

        var request = HTTPClientRequest(url: try endpoint())
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: isCSV ? "text/csv" : "application/x-ndjson")
        request.body = .stream(input, length: input.size.map { .known(Int64($0)) } ?? .unknown)

        let summary = BatchSummary()
        let progress = ProgressBar(total: input.size, sent: input.sent, summary: summary)
        let ticker = Task { await progress.run() }
        defer { ticker.cancel() }
        let started = ContinuousClock.now
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .hours(24))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 1 << 16)
                let problem = try? JSONParser.parse(Array(body.readableBytesView))
                let detail = problem?.objectValue?["detail"]?.stringValue ?? "HTTP \(response.status.code)"
                throw CommandError("the batch was refused: \(detail)")
            }
            var pending: [UInt8] = []
            for try await buffer in response.body {
                for byte in buffer.readableBytesView {
                    guard byte == UInt8(ascii: "\n") else {
                        pending.append(byte)
                        continue
                    }
                    let answer = try? JSONParser.parse(pending)
                    summary.add(answer)
                    reportOut?.write(pending + [UInt8(ascii: "\n")])
                    if let columns {
                        if let released = answer?.objectValue?["disclosure"]?.objectValue?["released"] {
                            out.write(BatchCSVFile.releasedRow(released, columns: columns))
                        }
                    } else {
                        out.write(pending + [UInt8(ascii: "\n")])
                    }
                    pending.removeAll(keepingCapacity: true)
                }
            }
        } catch let error as CommandError {
            progress.clear()
            throw error
        } catch {
            progress.clear()
            throw CommandError("the batch could not be sent to \(url): \(error)")
        }
        ticker.cancel()
        progress.clear()
        try out.finish()
        try reportOut?.finish()
        let seconds = Double((ContinuousClock.now - started).nanoseconds) / 1e9
        FileHandle.standardError.write(Data(summary.text(seconds: seconds).utf8))
        if summary.refusedCount > 0 { throw ExitCode(2) }
    }

    func endpoint() throws -> String {
        guard var parts = URLComponents(string: url), parts.scheme == "http" || parts.scheme == "https" else {
            throw CommandError("--url must be http:// or https:// and a host")
        }
        parts.path = parts.path.hasSuffix("/") ? String(parts.path.dropLast()) : parts.path
        parts.path += "/v1/disclosures/batch"
        if isCSV {
            var items = [URLQueryItem(name: "report", value: "ndjson")]
            for (name, value) in [
                ("record_type", recordType), ("provider", provider), ("purpose", purpose), ("subject", subject),
            ] {
                if let value { items.append(URLQueryItem(name: name, value: value)) }
            }
            parts.queryItems = items
        }
        guard let text = parts.string else { throw CommandError("--url is not a URL") }
        return text
    }
}

/// The batch file as the request body, read a piece at a time; `sent` counts what was read.
struct BatchFile: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let size: Int?
    let sent = ByteCount()

    init(path: String) throws {
        self.path = path
        if path == "-" {
            size = nil
        } else {
            guard FileManager.default.isReadableFile(atPath: path),
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            else { throw CommandError("cannot read \(path)") }
            size = (attributes[.size] as? NSNumber)?.intValue
        }
    }

    /// The file's first line, for a CSV's header.
    func firstLine() -> String? {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        while bytes.count < 1 << 20, let chunk = try? handle.read(upToCount: 4096), !chunk.isEmpty {
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                bytes += chunk[..<newline]
                return String(decoding: bytes.last == 13 ? bytes.dropLast() : bytes[...], as: UTF8.self)
            }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let sent: ByteCount

        mutating func next() async throws -> ByteBuffer? {
            guard let handle, let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty else { return nil }
            sent.value.add(chunk.count, ordering: .relaxed)
            return ByteBuffer(bytes: chunk)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: path == "-" ? .standardInput : FileHandle(forReadingAtPath: path), sent: sent)
    }
}
