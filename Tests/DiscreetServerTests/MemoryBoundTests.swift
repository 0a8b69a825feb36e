import Foundation
import HummingbirdTesting
import Testing

/// Memory stays bounded under hostile input: the body limit holds per connection, so many large
/// bodies at once cost about the limit each, not their size. Measured on this process's peak
/// resident size (the service runs in it), which only grows.
@Suite struct MemoryBoundTests {
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kb * 1024
    }

    @Test(.enabled(if: peakResidentBytes() != nil)) func fortyConcurrentTwentyMegabyteBodiesCostAboutTheLimitEach() async throws {
        let h = try await Harness(port: 0)
        try await h.app.test(.live) { client in
            let port = try #require(client.port)
            let before = try #require(Self.peakResidentBytes())
            let head =
                "POST /v1/disclosures HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(h.keys["discloser"]!)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 20971520\r\n\r\n"
            let refused = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let raw = try await RawConnection.open(port: port)
                        _ = await raw.send(head)
                        let chunk = [UInt8](repeating: UInt8(ascii: "["), count: 256 * 1024)
                        var sent = 0
                        while sent < 80, raw.isActive, raw.received.isEmpty, await raw.send(chunk) { sent += 1 }
                        let text = await raw.receive(for: 10) { $0.contains("body-too-large") && $0.hasSuffix("}") }
                        await raw.close()
                        return text.hasPrefix("HTTP/1.1 413")
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            let grown = try #require(Self.peakResidentBytes()) - before
            #expect(refused == 40)
            // 40 × 20 MB held whole would be 800 MB; 40 × the 1 MB limit, with buffers, is far below.
            #expect(grown < 300 << 20, "peak resident size grew by \(grown >> 20) MB")
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
        }
    }
}
