import DiscreetTestSupport
import Foundation
import Testing

/// Memory stays bounded under hostile input: the body limit holds per connection, so many large
/// bodies at once cost about the limit each, not their size. Measured on the peak resident size
/// of a `discreet serve` child process, so nothing an earlier test did in this process counts.
@Suite struct MemoryBoundTests {
    static func peakResidentBytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kb * 1024
    }

    static let canMeasure =
        FileManager.default.fileExists(atPath: "/proc/self/status")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

    @Test(.enabled(if: canMeasure, "needs /proc and curl"))
    func fortyConcurrentTwentyMegabyteBodiesCostAboutTheLimitEach() async throws {
        let dir = CLITests.temporary()
        let server = try await CrashTests.Server.start(dir: dir, port: TestPort.unused())
        defer { server.kill() }
        let key = try #require(server.key)
        try await server.waitUntilReady(key: key)
        let before = try #require(Self.peakResidentBytes(pid: server.process.processIdentifier))

        let body = dir + "/body.json"
        #expect(FileManager.default.createFile(atPath: body, contents: Data(repeating: UInt8(ascii: "["), count: 20 << 20)))
        let clients = (0..<40).map { _ in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Expect:", "-H",
                "Authorization: Bearer \(key)", "-H", "Content-Type: application/json", "--data-binary", "@\(body)",
                "http://127.0.0.1:\(server.port)/v1/disclosures",
            ]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            return (p, out)
        }
        for (p, _) in clients { try p.run() }
        // Waited for on a Dispatch thread: forty uploads take seconds, which must not hold one of
        // the cooperative pool's threads.
        let waiting = clients.map { UncheckedClient(process: $0.0, out: $0.1) }
        let codes: [String] = try await offPool {
            waiting.map { c in
                let text = String(decoding: c.out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                c.process.waitUntilExit()
                return text
            }
        }
        let grown = try #require(Self.peakResidentBytes(pid: server.process.processIdentifier)) - before
        // Each is refused once past the 1 MiB limit (curl may see the reset before the answer).
        #expect(codes.allSatisfy { $0 == "413" || $0 == "000" }, "\(codes)")
        #expect(codes.contains("413"))
        // 40 × 20 MB held whole would be 800 MB; 40 × the 1 MB limit, with buffers, is far below.
        #expect(grown < 300 << 20, "peak resident size grew by \(grown >> 20) MB")
        let (status, _) = try await server.request("GET", "/v1/policy", key: key)
        #expect(status == 200)
    }
}

/// A curl process and its output pipe, handed to a Dispatch thread to be waited for.
struct UncheckedClient: @unchecked Sendable {
    var process: Process
    var out: Pipe
}
