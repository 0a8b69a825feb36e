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
}
