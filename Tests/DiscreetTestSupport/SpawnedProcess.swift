import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, with the part of Foundation's `Process` the tests
/// use (each test target aliases `Process` to it).
///
/// Foundation's `Process.run()` on Linux, in this toolchain, reads `/proc/self/fd` with a bulk
/// copy of each `dirent`'s 256-byte name and crashes when a record sits at the end of glibc's
/// buffer (swift-corelibs-foundation PR #5472, not in Swift 6.3.1). With every suite running at
/// once the test process holds some 1,400 descriptors, enough to fill that buffer: the suite
/// crashed in `Process.run()` twice in five runs. Here the child closes every inherited
/// descriptor above 2 with `closefrom` (glibc 2.34+), resets its signal mask and dispositions as
/// Foundation does, and nothing reads `/proc/self/fd`.
public final class SpawnedProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String]?
    public var environment: [String: String]?
    /// A `Pipe`, a `FileHandle`, or nil to inherit the test process's.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private struct State {
        var pid: pid_t = 0
        /// The raw `waitpid` status once reaped.
        var status: Int32?
    }

    private let state = Mutex(State())

    public init() {}

    public struct SpawnFailure: Error, CustomStringConvertible {
        public var code: Int32
        public var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
    }

    public var processIdentifier: Int32 { state.withLock { $0.pid } }

    public func run() throws {
        guard let path = executableURL?.path else { throw SpawnFailure(code: ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var parentCloses: [FileHandle] = []
        for (target, io) in [(Int32(0), standardInput), (1, standardOutput), (2, standardError)] {
            let handle: FileHandle?
            switch io {
            case let pipe as Pipe:
                handle = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                parentCloses.append(handle!)
            case let file as FileHandle: handle = file
            default: handle = nil
            }
            guard let handle else { continue }
            if handle.fileDescriptor >= 0 {
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        try Self.closeFrom(&actions, 3)

        let argv = ([path] + (arguments ?? [])).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in env { free(p) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, env)
        guard result == 0 else { throw SpawnFailure(code: result) }
        state.withLock { $0.pid = pid }
        // The child holds its ends now; the parent keeps only its own, so a reader sees the end.
        for h in parentCloses { try? h.close() }
    }

    /// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not expose.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ from: Int32) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { throw SpawnFailure(code: ENOSYS) }
        let add = unsafeBitCast(symbol, to: AddCloseFrom.self)
        let result = add(&actions, from)
        guard result == 0 else { throw SpawnFailure(code: result) }
    }

    /// Reaps the child if it has ended (or, when `blocking`, once it ends).
    private func reap(blocking: Bool) {
        let pid = state.withLock { $0.status == nil ? $0.pid : 0 }
        guard pid > 0 else { return }
        var raw: Int32 = 0
        while true {
            let r = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            if r == pid {
                state.withLock { $0.status = raw }
                return
            }
            if r == -1 && errno == EINTR { continue }
            if r == -1 && errno == ECHILD && blocking {
                // Another thread reaped it; its status arrives in a moment.
                while state.withLock({ $0.status == nil }) { usleep(1000) }
            }
            return
        }
    }

    public var isRunning: Bool {
        reap(blocking: false)
        return state.withLock { $0.pid > 0 && $0.status == nil }
    }

    public func waitUntilExit() { reap(blocking: true) }

    /// The exit code, or the signal that ended it (as Foundation reports them).
    public var terminationStatus: Int32 {
        reap(blocking: false)
        guard let raw = state.withLock({ $0.status }) else { return 0 }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }

    /// SIGTERM, as Foundation's `terminate()` sends.
    public func terminate() {
        guard isRunning else { return }
        kill(processIdentifier, SIGTERM)
    }
}
