import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ports for the tests' own listeners, below the kernel's ephemeral range.
///
/// A port drawn at random from the ephemeral range (32768–60999 on Linux) can be taken at any
/// moment by an outgoing connection of a test running beside it, and a server restarted on it
/// then fails to bind (seen once in CI: a SIGKILLed server could not come back). Ports handed out
/// here are below that range, distinct within the test process, and checked free when handed out.
public enum TestPort {
    /// The first port the kernel may pick for an outgoing connection.
    static let ephemeralStart: Int = {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
            let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap({ Int($0) })
        else { return 32_768 }
        return first
    }()

    /// Above the fixed ports some tests and scripts name (18xxx).
    static let range: Range<Int> = 20_000..<max(20_001, min(ephemeralStart, 32_768))

    /// The next candidate; a random start so two test runs on one machine rarely meet.
    static let next = Mutex(Int.random(in: 0..<10_000))

    /// A port no other caller in this process got, free on 127.0.0.1 when returned.
    public static func unused() -> Int {
        for _ in 0..<range.count {
            let offset = next.withLock { n -> Int in
                defer { n += 1 }
                return n
            }
            let port = range.lowerBound + offset % range.count
            if isFree(port) { return port }
        }
        fatalError("no free port in \(range)")
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
