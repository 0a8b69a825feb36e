import Foundation

/// A C2SP tlog-witness `add-checkpoint` request: `old <size>`, up to 63 consistency proof lines,
/// a blank line, then the signed checkpoint. Read by the witness, written by the log.
public struct AddCheckpoint: Sendable, Equatable {
    public var oldSize: UInt64
    public var proof: [[UInt8]]
    /// The signed checkpoint, as sent (it may carry several signatures).
    public var note: String

    public static let maxProofLines = 63
    /// A request is a few lines: a checkpoint with its signatures and at most 63 hashes.
    public static let maxBytes = 16 * 1024

    public init(oldSize: UInt64, proof: [[UInt8]], note: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
    }

    /// The checkpoint's note text (extension lines included): what a cosignature signs.
    public var checkpointBody: String? { SignedNote.split(note)?.text }

    /// The request body.
    public var body: String {
        "old \(oldSize)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note
    }

    /// Reads a request body; nil when it is not one (the witness answers 400).
    public init?(body bytes: [UInt8]) {
        guard bytes.count <= Self.maxBytes, let text = String(validating: bytes, as: UTF8.self),
            let blank = text.range(of: "\n\n")
        else { return nil }
        let head = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), head.count - 1 <= Self.maxProofLines else { return nil }
        let digits = first.dropFirst(4)
        guard let old = UInt64(digits), String(old) == digits else { return nil }
        var proof: [[UInt8]] = []
        for line in head.dropFirst() {
            guard let hash = Data(base64Encoded: String(line)), hash.count == 32 else { return nil }
            proof.append(Array(hash))
        }
        self.init(oldSize: old, proof: proof, note: String(text[blank.upperBound...]))
    }
}

/// What a witness answers an `add-checkpoint`, by the spec's rules, given the logs it trusts
/// and the latest checkpoint it cosigned for the request's origin. Pure: the witness reads its
/// state, asks this, and persists the new state atomically with the check.
public enum WitnessVerdict: Sendable, Equatable {
    /// Cosign this checkpoint and record it as the latest.
    case cosign(Checkpoint)
    /// 400: the old size is beyond the checkpoint's.
    case badRequest
    /// 403: no signature by a key trusted for the origin verifies.
    case forbidden
    /// 404: the origin is not a log this witness follows.
    case unknownOrigin
    /// 409: the old size is not the latest cosigned size (answered with it): the client's state
    /// is stale.
    case conflict(latestSize: UInt64)
    /// 409 too: the same size as the latest cosigned, with another root. The log has shown two
    /// histories: evidence, kept by the witness.
    case fork(latestSize: UInt64)
    /// 422: the consistency proof does not verify (log misbehaviour, or a bad client).
    case inconsistent

    /// The latest checkpoint a witness cosigned for an origin.
    public struct Latest: Sendable, Equatable {
        public var size: UInt64
        public var root: [UInt8]

        public init(size: UInt64, root: [UInt8]) {
            self.size = size
            self.root = root
        }
    }

    /// The origin a note's checkpoint names, before anything is verified: to look up its keys and state.
    public static func origin(of note: String) -> String? {
        guard let end = note.firstIndex(of: "\n"), end > note.startIndex else { return nil }
        return String(note[..<end])
    }

    public static func judge(_ request: AddCheckpoint, keys: [NoteVerifierKey], latest: Latest?) -> WitnessVerdict {
        guard !keys.isEmpty else { return .unknownOrigin }
        guard let checkpoint = Checkpoint.open(request.note, trustedBy: keys) else { return .forbidden }
        guard request.oldSize <= checkpoint.size else { return .badRequest }
        let latestSize = latest?.size ?? 0
        guard request.oldSize == latestSize else { return .conflict(latestSize: latestSize) }
        guard let latest, latest.size > 0 else {
            return request.proof.isEmpty ? .cosign(checkpoint) : .inconsistent
        }
        if latest.size == checkpoint.size {
            guard latest.root == checkpoint.root else { return .fork(latestSize: latest.size) }
            return request.proof.isEmpty ? .cosign(checkpoint) : .inconsistent
        }
        do {
            try ProofVerifier.verifyConsistency(
                size1: latest.size, size2: checkpoint.size, root1: latest.root, root2: checkpoint.root, proof: request.proof)
        } catch {
            return .inconsistent
        }
        return .cosign(checkpoint)
    }
}
