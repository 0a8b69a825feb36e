/// A witness's answer to `POST /add-checkpoint` (C2SP tlog-witness), read from the log's side.
/// Only a 200 carrying a cosignature that verifies under the witness's key counts as witnessed;
/// the answers that may mean the log showed two histories are told apart from a stale client
/// and from a witness that is down, since they call for an alarm rather than a retry.
public enum WitnessAnswer: Sendable, Equatable {
    /// 200 with the witness's cosignature line (ending in a newline), verified, and its time.
    case cosigned(line: String, time: UInt64)
    /// 409 with the witness's latest size, other than the `old` sent: the client's state was
    /// stale; submit again from that size.
    case behind(witnessSize: UInt64)
    /// 409 with the witness's latest size equal to the `old` sent, or beyond the checkpoint: the
    /// witness cosigned another tree of this log. An alarm.
    case fork(witnessSize: UInt64)
    /// 422: the consistency proof from the witness's size does not verify. An alarm.
    case inconsistent
    /// 200 without a verifying cosignature from the witness's key. An alarm: a forged or broken witness.
    case badCosignature
    /// 400, 403 or 404 (or 409 without a size): the witness refuses the submission as made (it
    /// does not follow this log, or does not trust its key). A configuration to mend.
    case refused(status: Int)
    /// Any other status (5xx, 429): try again later.
    case unavailable(status: Int)

    /// Reads the answer to a submission of `request` (whose checkpoint has `checkpointBody`).
    public static func read(
        status: Int, body: [UInt8], request: AddCheckpoint, checkpointSize: UInt64, checkpointBody: String,
        key: CosignerKey
    ) -> WitnessAnswer {
        switch status {
        case 200:
            let text = String(decoding: body, as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard let time = try? Cosignature.timestamp(line, body: checkpointBody, key: key) else { continue }
                return .cosigned(line: String(line) + "\n", time: time)
            }
            return .badCosignature
        case 409:
            guard let size = Self.size(body) else { return .refused(status: 409) }
            if size == request.oldSize || size > checkpointSize { return .fork(witnessSize: size) }
            return .behind(witnessSize: size)
        case 422:
            return .inconsistent
        case 400, 403, 404:
            return .refused(status: status)
        default:
            return .unavailable(status: status)
        }
    }

    /// A `text/x.tlog.size` body: a decimal size and a newline.
    static func size(_ body: [UInt8]) -> UInt64? {
        var digits = body[...]
        if digits.last == 0x0A { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
