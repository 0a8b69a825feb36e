import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation
import Hummingbird

extension PolicyController {
    /// A candidate bundle decided over the ledger's history (`PolicyReplay`), answered as NDJSON:
    /// a `progress` line every 10,000 entries, so that a long replay shows it is alive, then the
    /// `report`. The candidate is validated as `PUT` would; its own tests are not run.
    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let window = try Self.window(request.uri.queryParameters)
        let (text, format) = try await source(request)
        let candidate: PolicyBundle
        do {
            candidate = try BundleParser.parse(text, format: format)
        } catch {
            throw Problem.invalidBundle(error)
        }
        let replay = PolicyReplay(store: services.store, candidate: candidate, window: window)
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                var reported = 0
                func line(_ value: JSONValue) async throws {
                    try await writer.write(ByteBuffer(bytes: JSONWriter.encode(value) + [0x0A]))
                }
                do {
                    // Each store call has the store's own deadline: a replay outlasts any request's.
                    let report = try await StoreBudget.$current.withValue(nil) {
                        try await replay.run { scanned, total in
                            guard scanned - reported >= 10_000 else { return }
                            reported = scanned
                            try await line(
                                ["progress": ["scanned": .number(String(scanned)), "of": .number(String(total))]])
                        }
                    }
                    try await line(["report": report.json])
                } catch {
                    // The answer has begun: the failure is its last line, as a problem.
                    try await line(["error": Problem.storeUnavailable.json])
                }
                try await writer.finish(nil)
            })
    }

    /// `last=N`, or `from` and `to` (RFC 3339, either may be left out); nothing is the whole ledger.
    static func window(_ query: Hummingbird.Parameters) throws -> PolicyReplay.Window {
        let last = query["last"].map(String.init)
        let from = query["from"].map(String.init)
        let to = query["to"].map(String.init)
        if let last {
            guard from == nil, to == nil else { throw Problem.invalidQuery("last", "either 'last' or 'from' and 'to', not both") }
            guard let n = Int64(last), (1...1_000_000_000_000).contains(n) else {
                throw Problem.invalidQuery("last", "a whole number of entries from 1")
            }
            return .last(n)
        }
        func date(_ name: String, _ text: String?) throws -> Date? {
            guard let text else { return nil }
            guard let d = RFC3339.parse(text) else { throw Problem.invalidQuery(name, "an RFC 3339 instant") }
            return d
        }
        let window = PolicyReplay.Window.between(from: try date("from", from), to: try date("to", to))
        if case .between(let f?, let t?) = window, f >= t { throw Problem.invalidQuery("to", "an instant after 'from'") }
        return window
    }
}
