import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file of exactly 32 secret bytes: the service secret and the signing keys are kept this way in
/// the data directory.
///
/// A new file is created with `open(O_CREAT | O_EXCL, 0600)` under a temporary name and linked
/// into place once written: it never exists with wider permissions or half written, even for an
/// instant, and a file planted at the path (or a symbolic link) is never written through. An
/// existing file is refused when its group or others may read or write it: a key another account
/// could read is no longer a secret, and saying so beats serving with it.
enum SecretFile {
    /// The file's bytes, or `make()`'s, written to a new file when there is none. `noun` names the
    /// file in errors ("key", "secret").
    static func loadOrCreate(path: String, noun: String, make: () -> Data) throws -> Data {
        if let data = try load(path: path, noun: noun) { return data }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = make()
        // Written whole under a name of its own, then linked into place: link() fails when the
        // path exists, so of processes starting together (replicas sharing a secrets directory)
        // one wins, and no one ever reads a file created but not yet written.
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure.cannotWrite(path, noun) }
        defer { unlink(temporary) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = written == data.count && fsync(fd) == 0
        close(fd)
        guard synced else { throw Failure.cannotWrite(path, noun) }
        guard link(temporary, path) == 0 else {
            // Another process linked its file first: use theirs.
            if errno == EEXIST, let theirs = try load(path: path, noun: noun) { return theirs }
            throw Failure.cannotWrite(path, noun)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
        return data
    }

    /// The file's 32 bytes, or nil when there is no file. Creates nothing.
    static func load(path: String, noun: String) throws -> Data? {
        guard let bytes = try readOwnerOnly(path: path, noun: noun, atMost: 33) else { return nil }
        guard bytes.count == 32 else { throw Failure.badLength(path, noun) }
        return Data(bytes)
    }

    /// A secret written as text (an upstream's token): the file's text without its final line
    /// break, or nil when there is no file. Refused when empty, over 4 KiB, or holding a control
    /// character, which could split the header it is sent in.
    static func loadText(path: String, noun: String) throws -> String? {
        guard var bytes = try readOwnerOnly(path: path, noun: noun, atMost: 4097) else { return nil }
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard isSecretText(bytes), let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure.badText(path, noun)
        }
        return text
    }

    /// What a secret sent in a header may be, from a file or a variable: 1 to 4096 bytes, none a
    /// control character (which could split the header).
    static func isSecretText(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= 4096 && bytes.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }

    /// Up to `atMost` bytes of a regular file that only its owner may read, or nil when there is none.
    private static func readOwnerOnly(path: String, noun: String, atMost: Int) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure.cannotRead(path, noun)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw Failure.cannotRead(path, noun) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw Failure.tooOpen(path, noun, mode: UInt32(mode)) }
        var buffer = [UInt8](repeating: 0, count: atMost)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n > 0 {
                count += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 {
                throw Failure.cannotRead(path, noun)
            } else {
                break
            }
        }
        return Array(buffer[0..<count])
    }

    enum Failure: Error, CustomStringConvertible, Equatable {
        case badLength(String, String)
        case cannotWrite(String, String)
        case cannotRead(String, String)
        case tooOpen(String, String, mode: UInt32)
        case badText(String, String)

        var description: String {
            switch self {
            case .badLength(let p, let noun): "the \(noun) file \(p) must hold exactly 32 bytes"
            case .badText(let p, let noun):
                "the \(noun) file \(p) must hold one line of 1 to 4096 printable characters"
            case .cannotWrite(let p, let noun): "cannot write the \(noun) file \(p)"
            case .cannotRead(let p, let noun): "cannot read the \(noun) file \(p) (it must be a regular file)"
            case .tooOpen(let p, let noun, let mode):
                "the \(noun) file \(p) may be read or written by other accounts (mode \(String(mode, radix: 8))): "
                    + "run chmod 600 \(p) after checking who has read it"
            }
        }
    }
}
