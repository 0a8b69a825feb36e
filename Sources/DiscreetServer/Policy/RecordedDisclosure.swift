import DiscreetJSON
import DiscreetPolicy
import Foundation

/// What a ledger entry says of one disclosure request, read back for a replay: who, for what,
/// about whom, when, under which exception, and each field's path, outcome and reason. Never a
/// value: the entry holds none.
struct RecordedDisclosure {
    var provider: String
    var purpose: String
    var subject: String
    var recordType: String
    var time: Date
    var exception: ExceptionInvocation?
    /// Set when the whole request was refused then (a suspended provider).
    var refused: String?
    var fields: [String]
    var decisions: [(outcome: Outcome, reason: ReasonCode)]

    /// Nil for an entry that records no disclosure request (a gateway delivery record) or that
    /// does not read as one.
    init?(entry bytes: [UInt8]) {
        guard let o = try? JSONParser.parse(bytes).objectValue, o["kind"] == nil,
            let provider = o["provider"]?.stringValue, let purpose = o["purpose"]?.stringValue,
            let subject = o["subject"]?.stringValue, let recordType = o["record_type"]?.stringValue,
            let time = o["time"]?.stringValue.flatMap(RFC3339.parse), let fields = o["fields"]?.arrayValue
        else { return nil }
        self.provider = provider
        self.purpose = purpose
        self.subject = subject
        self.recordType = recordType
        self.time = time
        refused = o["refused"]?.stringValue
        if let e = o["exception"]?.objectValue, let basis = e["basis"]?.stringValue {
            exception = ExceptionInvocation(
                basis: basis, justification: e["justification"]?.stringValue ?? "", facts: e["facts"]?.stringValue ?? "",
                authority: e["authority"]?.stringValue)
        }
        // A gateway body's records name their fields after their place in it (`[2].name`); the
        // record's own path is what the engine decides.
        let inBody = o["gateway"] != nil
        var paths: [String] = []
        var decisions: [(outcome: Outcome, reason: ReasonCode)] = []
        for f in fields {
            guard let d = f.objectValue, let named = d["field"]?.stringValue,
                let outcome = d["outcome"]?.stringValue.flatMap(Outcome.init(rawValue:)),
                let reason = d["reason"]?.stringValue.flatMap(ReasonCode.init(rawValue:))
            else { return nil }
            paths.append(inBody ? Self.withoutBodyPosition(named) : named)
            decisions.append((outcome, reason))
        }
        self.fields = paths
        self.decisions = decisions
    }

    /// `[2].name` → `name`; a path without a position is returned as it is.
    static func withoutBodyPosition(_ path: String) -> String {
        guard path.first == "[", let close = path.firstIndex(of: "]") else { return path }
        let digits = path[path.index(after: path.startIndex)..<close]
        let rest = path[path.index(after: close)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), rest.first == "." else {
            return path
        }
        return String(rest.dropFirst())
    }
}
