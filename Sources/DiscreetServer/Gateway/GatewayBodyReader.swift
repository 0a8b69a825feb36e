import AsyncHTTPClient
import DiscreetJSON
import DiscreetPolicy
import Hummingbird
import NIOCore

/// Reads a gateway body as strict JSON: an app's request (egress) or the internal API's answer
/// (pull). Identity, gzip or deflate; any other encoding, or a type other than JSON, is refused
/// before a byte is decided. The limit holds for the body as sent and again once inflated.
enum GatewayBodyReader {
    static func read(_ request: Request, limit: Int) async throws -> JSONValue {
        guard let type = request.headers[.contentType], isJSON(type) else { throw Problem.unsupportedBodyEncoding }
        guard let coding = coding(request.headers[values: .contentEncoding]) else { throw Problem.unsupportedBodyEncoding }
        var buffer = try await request.collectBody(limit: limit)
        if case .compressed(let format) = coding {
            do {
                buffer = try Inflate.inflate(buffer, format: format, limit: limit)
            } catch .tooLarge {
                throw Problem.inflatedTooLarge(limit: limit)
            } catch {
                throw Problem.corruptEncoding
            }
        }
        do {
            return try buffer.withUnsafeReadableBytes { raw throws(JSONParseError) in try JSONParser.parse(raw) }
        } catch {
            throw Problem.malformedJSON(error)
        }
    }

    static func read(_ answer: HTTPClientResponse, route: GatewayRoute, limit: Int) async throws -> JSONValue {
        if answer.status.code == 404 { throw Problem.upstreamNotFound }
        guard (200..<300).contains(answer.status.code) else {
            throw Problem.upstreamAnswer(route, "it answered HTTP \(answer.status.code)")
        }
        guard let type = answer.headers["content-type"].first, isJSON(type) else {
            throw Problem.upstreamAnswer(route, "its answer is not application/json")
        }
        guard let coding = coding(answer.headers["content-encoding"]) else {
            throw Problem.upstreamAnswer(route, "its answer has a content encoding other than gzip or deflate")
        }
        var buffer: ByteBuffer
        do {
            buffer = try await answer.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.upstreamAnswer(route, "its answer is over \(limit) bytes")
        } catch {
            throw Problem.upstreamAnswer(route, "its answer was cut off")
        }
        if case .compressed(let format) = coding {
            guard let inflated = try? Inflate.inflate(buffer, format: format, limit: limit) else {
                throw Problem.upstreamAnswer(route, "its compressed answer cannot be inflated within \(limit) bytes")
            }
            buffer = inflated
        }
        guard let value = try? buffer.withUnsafeReadableBytes({ raw throws(JSONParseError) in try JSONParser.parse(raw) })
        else { throw Problem.upstreamAnswer(route, "its answer is not strict JSON") }
        return value
    }

    /// `application/json` or a `+json` type, with any parameters.
    static func isJSON(_ type: String) -> Bool {
        let media = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let media else { return false }
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    enum Coding {
        case identity
        case compressed(Inflate.Format)
    }

    /// The body's one content coding; nil for any other than gzip or deflate, stacked ones included.
    static func coding(_ values: [String]) -> Coding? {
        let codings = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        switch codings {
        case []: return .identity
        case ["gzip"], ["x-gzip"]: return .compressed(.gzip)
        case ["deflate"]: return .compressed(.deflate)
        default: return nil
        }
    }
}
