import Foundation

/// A witness's cosignature of one of the service's checkpoints, as verified when it arrived.
public struct StoredCosignature: Sendable, Equatable {
    /// The witness's name in the witness policy (also its key's name).
    public var witness: String
    /// The size of the checkpoint it cosigns.
    public var size: UInt64
    /// The signature line, `— <name> <base64>` and a newline, to append to the checkpoint's note.
    public var line: String

    public init(witness: String, size: UInt64, line: String) {
        self.witness = witness
        self.size = size
        self.line = line
    }
}

/// The service's side of witnessing: each witness's progress (the size it last cosigned, the
/// `old` of the next submission) and the cosignatures it returned. Replicas share it, so each
/// checkpoint size is submitted to a witness by one replica at a time: a submission is a *turn*
/// one replica holds until it ends or its lease runs out (a replica that died mid-turn).
public protocol CosignatureStore: Sendable {
    /// Takes `witness`'s turn for `owner` until `until`, unless another turn (or a backoff) lasts
    /// past `now`. Returns the witness's last cosigned size (0 when none) when the turn was taken.
    func takeWitnessTurn(_ witness: String, owner: String, now: Date, until: Date) async throws -> UInt64?
    /// Ends `owner`'s turn: keeps `cosignature` (one per witness and size; it was verified), sets
    /// the witness's size when given, and lets the next turn start at `nextTurn` (later than now
    /// for a backoff). The size and next turn are ignored when the turn is no longer `owner`'s.
    func endWitnessTurn(
        _ witness: String, owner: String, size: UInt64?, cosignature: StoredCosignature?, nextTurn: Date
    ) async throws
    /// The cosignatures of the checkpoint of `size`, by witness name.
    func cosignatures(size: UInt64) async throws -> [StoredCosignature]
    /// The newest checkpoint and the twenty newest with a cosignature, newest first, each note
    /// with its cosignatures appended: where a receipt bundle and `verify` find a witnessed one.
    func witnessedNotes() async throws -> [String]
}

extension StoredCheckpoint {
    /// The note with the cosignatures appended, as C2SP tlog-cosignature has them travel.
    public func cosigned(by cosignatures: [StoredCosignature]) -> String {
        note + cosignatures.filter { $0.size == size }.sorted { $0.witness < $1.witness }.map(\.line).joined()
    }
}

/// Rows of (size, note, cosignature line) made into notes with their cosignatures, newest first.
public enum WitnessedNotes {
    public static func group(_ rows: [(Int64, String, String?)]) -> [String] {
        var notes: [String] = []
        var current: Int64?
        for (size, note, line) in rows {
            if size != current {
                notes.append(note)
                current = size
            }
            if let line { notes[notes.count - 1] += line }
        }
        return notes
    }
}
