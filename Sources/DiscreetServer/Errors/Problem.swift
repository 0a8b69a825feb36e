import DiscreetJSON
import Hummingbird

/// An RFC 9457 problem: a stable `type`, a `title`, and a `detail` that says what to fix.
///
/// Values never rest: no problem carries a value the caller sent, only names, paths and offsets.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// The stable slug; the `type` member is `urn:discreet:problem:<slug>`.
    public var slug: String
    public var title: String
    public var detail: String
    /// Extra members (`field`, `issues`, ...).
    public var extensions: [(String, JSONValue)]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, _ slug: String, title: String, detail: String,
        extensions: [(String, JSONValue)] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public static let typePrefix = "urn:discreet:problem:"

    public var json: JSONValue {
        var o = JSONObject([
            ("type", .string(Problem.typePrefix + slug)), ("title", .string(title)), ("status", .number(String(status.code))),
            ("detail", .string(detail)),
        ])
        for (k, v) in extensions { o[k] = v }
        return .object(o)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(json))))
    }
}
