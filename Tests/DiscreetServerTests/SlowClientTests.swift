import DiscreetJSON
import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// Over a real socket: a client that trickles its request head is disconnected after the header
/// timeout, while others are served.
@Suite struct SlowClientTests {
    @Test func aTricklingClientIsCutOffAndOthersAreServed() async throws {
        let h = try await Harness(headerTimeoutSeconds: 1, port: 0)
        try await h.app.test(.live) { client in
            let port = try #require(client.port)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            let start = ContinuousClock.now
            // One byte of header every 100 ms: an idle timer would never fire, the header timer must.
            let head =
                Array("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8)
                + Array(repeating: UInt8(ascii: "a"), count: 100)
            var sent = 0
            for byte in head {
                do {
                    try await channel.writeAndFlush(ByteBuffer(bytes: [byte])).get()
                } catch {
                    break
                }
                sent += 1
                if !channel.isActive { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = ContinuousClock.now - start
            if channel.isActive {
                Issue.record("the slow client was still connected after sending its whole head")
                try await channel.close()
            }
            #expect(sent < head.count, "the slow client was never cut off")
            #expect(elapsed < .seconds(5))
            #expect(elapsed >= .milliseconds(900))
            // The service still answers, on the test client's keep-alive connection that sat idle
            // for longer than the header timeout: idle connections are not cut by it.
            let ok = try await client.execute(uri: "/health", method: .get) { $0.status }
            #expect(ok == .ok)
        }
    }

    /// The timer is per connection, not per request: a later head on a kept-alive connection gets
    /// its full timeout from its own first byte, and heads finished in time are never cut.
    @Test func eachHeadGetsItsOwnTimeoutOnAKeptAliveConnection() async throws {
        let h = try await Harness(headerTimeoutSeconds: 1, port: 0)
        try await h.app.test(.live) { client in
            let port = try #require(client.port)
            let c = try await RawConnection.open(port: port)
            let request = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
            // Quick requests spread over twice the timeout: all answered on the same connection.
            for _ in 0..<4 {
                #expect(await c.send(request))
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(c.isActive)
            #expect(c.received.components(separatedBy: "HTTP/1.1 200").count - 1 == 4)
            await c.close()
            // On a fresh connection: one quick request starts the timer; 0.7 s later a head is
            // trickled. When the timer fires, that head is 0.3 s old: it must be given its full
            // second, not be cut with the first request's deadline.
            let d = try await RawConnection.open(port: port)
            #expect(await d.send(request))
            try await Task.sleep(for: .milliseconds(700))
            let start = ContinuousClock.now
            for byte in Array("GET /health HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 40) {
                guard await d.send([byte]), d.isActive else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = ContinuousClock.now - start
            #expect(d.received.hasPrefix("HTTP/1.1 200"))
            #expect(!d.isActive)
            #expect(elapsed >= .milliseconds(900))
            #expect(elapsed < .seconds(3))
            await d.close()
        }
    }
}
