import Foundation

/// A C2SP tlog-checkpoint: `<origin>\n<size>\n<base64 root>\n`, carried in a signed note.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: [UInt8]

    public init(origin: String, size: UInt64, root: [UInt8]) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text.
    public var body: String { "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n" }

    /// Reads a note's text (after its signature has been checked); extension lines are allowed.
    public init?(body: String) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines.last == "", !lines[0].isEmpty, let size = UInt64(lines[1]),
            String(size) == lines[1], let root = Data(base64Encoded: String(lines[2])), root.count == 32
        else { return nil }
        self.init(origin: String(lines[0]), size: size, root: Array(root))
    }

    public func signed(with key: NoteSigningKey) throws -> String { try SignedNote.sign(body, with: key) }

    /// The checkpoint of a note that one of `keys` signed, or nil when none did (or it is not a
    /// checkpoint); signatures by other keys are ignored.
    public static func open(_ note: String, trustedBy keys: [NoteVerifierKey]) -> Checkpoint? {
        keys.lazy.compactMap { try? open(note, verifier: $0) }.first
    }

    /// Verifies a signed checkpoint and reads it.
    public static func open(_ note: String, verifier: NoteVerifierKey) throws -> Checkpoint {
        let text = try SignedNote.open(note, verifier: verifier)
        guard let checkpoint = Checkpoint(body: text) else { throw SignedNote.Failure.malformed }
        return checkpoint
    }
}
