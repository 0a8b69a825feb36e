import AsyncHTTPClient
import Crypto
import DiscreetJSON
import Foundation
import NIOCore

/// A JSON body POSTed with an HMAC-SHA-256 signature over `<timestamp>.<body>`
/// (`X-Discreet-Timestamp`, `X-Discreet-Signature: sha256=<hex>`): how alerts and recalls reach
/// the webhooks that take them, and what a receiver recomputes to trust one. Through a gateway
/// route there is no shared secret: the route's credential header authenticates it instead.
enum SignedPost {
    /// Nil when the receiver answered 2xx; otherwise why not, for operators (never a secret,
    /// never a value).
    static func send(
        _ body: [UInt8], to url: String, secret: SymmetricKey?, headers extra: [(name: String, value: String)] = [],
        at now: Date, timeout: TimeAmount
    ) async -> String? {
        let timestamp = String(Int(now.timeIntervalSince1970))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Discreet-Timestamp", value: timestamp)
        if let secret {
            request.headers.add(
                name: "X-Discreet-Signature", value: "sha256=" + signature(body, timestamp: timestamp, secret: secret))
        }
        for h in extra { request.headers.add(name: h.name, value: h.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            return "\(type(of: error))"
        }
    }

    /// The hex HMAC-SHA-256 of `<timestamp>.<body>`.
    static func signature(_ body: [UInt8], timestamp: String, secret: SymmetricKey) -> String {
        ByteText.hex(HMAC<SHA256>.authenticationCode(for: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body, using: secret))
    }
}
