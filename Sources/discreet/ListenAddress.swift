import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A look at a listening address before `serve` writes or prints anything: a port another process
/// holds is named (with the flag that moves it) at once, instead of after a one-time key was made
/// and stored. The server binds for real afterwards; this only catches the common mistake.
enum ListenAddress {
    static func ensureFree(host: String, port: Int, flag: String) throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw CommandError("cannot listen on \(host):\(port): '\(host)' is not an address of this machine")
        }
        defer { freeaddrinfo(first) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // As the server will: a port in TIME_WAIT after a restart is free.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = errno == EADDRINUSE ? "it is already in use" : String(cString: strerror(errno))
            throw CommandError("cannot listen on \(host):\(port): \(reason); choose another with \(flag)")
        }
    }
}
