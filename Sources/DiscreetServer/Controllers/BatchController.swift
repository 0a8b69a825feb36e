import DiscreetJSON
import DiscreetStore
import Hummingbird
import NIOCore

/// `POST /v1/disclosures/batch` (discloser, exception-officer): NDJSON in, NDJSON out, one
/// disclosure request a line, each decided, recorded (its own ledger entry) and answered on its
/// own line as the single call answers it, in the body's order.
///
/// Streamed both ways with bounded memory: at most `window` lines are decided or waiting to be
/// written at once, so a file of any size passes through, and those in flight share the ledger's
/// group commit. Each piece of the body that arrives is answered before the next is read. A line that fails is answered with its problem and stops nothing. A blank line
/// is skipped; line numbers count every line of the body from 1. When the client goes away, no
/// further line is read: every line answered is in the ledger, and at most the lines in flight
/// (never more than `window`) are recorded without their answer reaching anyone.
struct BatchController {
    let services: DiscreetServices

    /// Lines decided at once: enough for the group commit to share its syncs.
    static let window = 64

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("disclosures/batch", use: batch)
    }

    @Sendable func batch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.discloser, .exceptionOfficer)
        guard let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/x-ndjson") else {
            throw Problem.unsupportedMediaType("application/x-ndjson")
        }
        let disclosures = DisclosureController(services: services)
        let maxLine = services.configuration.maxBodyBytes
        let deadline = services.configuration.storeDeadline
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                // Each line has a store budget of its own, as a single call has.
                try await StoreBudget.$current.withValue(nil) {
                    try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                        var lines = BatchLines(maxLineBytes: maxLine)
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
                                    await Self.answer(line, disclosures, principal)
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
                        for try await chunk in request.body {
                            for line in lines.feed(chunk.readableBytesView) {
                                while inFlight + answered.count >= Self.window { try await collect() }
                                start(line)
                            }
                            // What arrived is answered before more is read: a client sending a line
                            // at a time gets each answer as it goes, and one that has gone away is
                            // noticed before the next piece is decided.
                            while inFlight > 0 { try await collect() }
                        }
                        if let last = lines.finish() { start(last) }
                        while inFlight > 0 { try await collect() }
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// One line's answer: `{"line":N,"disclosure":{…}}` or `{"line":N,"problem":{…}}`.
    static func answer(_ line: BatchLines.Line, _ disclosures: DisclosureController, _ principal: Principal) async -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 1024)
        w.raw("{\"line\":")
        w.bytes.append(contentsOf: String(line.number).utf8)
        do {
            guard let bytes = line.bytes else {
                throw Problem.bodyTooLarge(limit: disclosures.services.configuration.maxBodyBytes)
            }
            let body: JSONValue
            do {
                body = try JSONParser.parse(bytes)
            } catch {
                throw Problem.malformedJSON(error)
            }
            let answer = try await disclosures.disclose(body, principal: principal)
            w.raw(",\"disclosure\":")
            w.bytes.append(contentsOf: answer)
        } catch {
            let problem = (error as? Problem) ?? Problem.storeUnavailable
            w.raw(",\"problem\":")
            w.write(problem.json)
        }
        w.raw("}\n")
        return w.bytes
    }
}

/// Splits an NDJSON body into numbered lines, holding at most one line: a line longer than the
/// limit is answered as too large (`bytes` nil) and the next one read, never the body refused.
struct BatchLines {
    struct Line: Sendable {
        var number: Int
        /// Nil for a line over the limit.
        var bytes: [UInt8]?
    }

    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var tooLong = false
    private var number = 0

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    /// The lines `chunk` completes; blank ones are counted, not returned.
    mutating func feed(_ chunk: some Collection<UInt8>) -> [Line] {
        var out: [Line] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if let line = end() { out.append(line) }
            } else if !tooLong {
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

    /// The last line, when the body does not end with a newline.
    mutating func finish() -> Line? {
        guard tooLong || !pending.isEmpty else { return nil }
        return end()
    }

    private mutating func end() -> Line? {
        number += 1
        defer {
            pending.removeAll(keepingCapacity: true)
            tooLong = false
        }
        if tooLong { return Line(number: number, bytes: nil) }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        guard pending.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Line(number: number, bytes: pending)
    }
}
