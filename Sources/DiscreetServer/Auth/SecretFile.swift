import Foundation

/// A file of exactly 32 secret bytes, created at mode 0600 on first use: the service secret and
/// the signing keys are kept this way in the data directory.
enum SecretFile {
    /// The file's bytes, or `make()`'s, written to a new file when there is none. `noun` names the
    /// file in errors ("key", "secret").
    static func loadOrCreate(path: String, noun: String, make: () -> Data) throws -> Data {
        let fm = FileManager.default
        if let data = fm.contents(atPath: path) {
            guard data.count == 32 else { throw Failure.badLength(path, noun) }
            return data
        }
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let data = make()
        guard fm.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.cannotWrite(path, noun)
        }
        return data
    }

    enum Failure: Error, CustomStringConvertible {
        case badLength(String, String)
        case cannotWrite(String, String)

        var description: String {
            switch self {
            case .badLength(let p, let noun): "the \(noun) file \(p) must hold exactly 32 bytes"
            case .cannotWrite(let p, let noun): "cannot write the \(noun) file \(p)"
            }
        }
    }
}
