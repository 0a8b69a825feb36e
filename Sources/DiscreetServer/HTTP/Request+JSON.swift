import DiscreetJSON
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The body parsed as strict JSON, bounded by `limit` bytes. Refuses a non-JSON content type.
    func jsonBody(limit: Int) async throws -> JSONValue {
        // The first Content-Type, as the joined value would start; read without joining or
        // lowercasing, which the standard library does generically on every request (decision 0019).
        if let type = headers.first(where: { $0.name == .contentType })?.value,
            !ByteText.hasPrefixIgnoringASCIICase(type, "application/json")
        {
            throw Problem.unsupportedMediaType("application/json")
        }
        let buffer = try await collectBody(limit: limit)
        do {
            return try buffer.withUnsafeReadableBytes { raw throws(JSONParseError) in try JSONParser.parse(raw) }
        } catch {
            throw Problem.malformedJSON(error)
        }
    }

    /// The JSON body read into a domain value; a missing or invalid member is a 422 naming it.
    func decode<T>(limit: Int, _ make: (JSONValue) throws(JSONFieldError) -> T) async throws -> T {
        let body = try await jsonBody(limit: limit)
        do {
            return try make(body)
        } catch {
            throw Problem.invalidField(error)
        }
    }

    func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
    }
}

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: JSONWriter.encode(value), status: status)
    }

    /// A body already written as JSON.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Parameters {
    /// A path parameter, percent-decoded; ids are opaque but bounded and printable.
    func id(_ name: String) throws -> String {
        guard let value = get(name)?.removingPercentEncoding, !value.isEmpty, value.count <= 200,
            value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw Problem(
                .badRequest, "invalid-id", title: "Invalid id",
                detail: "The '\(name)' in the path must be 1 to 200 printable characters.")
        }
        return value
    }
}
