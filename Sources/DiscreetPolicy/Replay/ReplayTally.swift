/// What a candidate bundle would have decided differently over a stretch of history, counted:
/// per provider and purpose, how many fields change outcome, from what to what, why they were
/// decided as they were and why they would be now, with a few ledger indexes as examples.
///
/// Pure and bounded: it keeps counts and at most `examplesKept` indexes per kind of change, never
/// the entries, so a replay of any length holds as much as the number of kinds of change.
public struct ReplayTally: Sendable {
    public struct Change: Hashable, Comparable, Sendable {
        public var provider: String
        public var purpose: String
        public var from: Outcome
        public var to: Outcome
        /// The reason recorded then.
        public var was: ReasonCode
        /// The reason the candidate gives.
        public var reason: ReasonCode

        public init(provider: String, purpose: String, from: Outcome, to: Outcome, was: ReasonCode, reason: ReasonCode) {
            self.provider = provider
            self.purpose = purpose
            self.from = from
            self.to = to
            self.was = was
            self.reason = reason
        }

        public static func < (a: Change, b: Change) -> Bool {
            (a.provider, a.purpose, a.from.rawValue, a.to.rawValue, a.was.rawValue, a.reason.rawValue)
                < (b.provider, b.purpose, b.from.rawValue, b.to.rawValue, b.was.rawValue, b.reason.rawValue)
        }
    }

    /// A request the candidate would refuse whole (an unknown purpose or record type, say).
    public struct Refusal: Hashable, Comparable, Sendable {
        public var provider: String
        public var purpose: String
        public var problem: String

        public static func < (a: Refusal, b: Refusal) -> Bool {
            (a.provider, a.purpose, a.problem) < (b.provider, b.purpose, b.problem)
        }
    }

    public struct Count: Sendable, Equatable {
        public var fields = 0
        public var entries = 0
        /// The first ledger indexes it was seen at, at most `examplesKept`.
        public var examples: [Int64] = []

        public init(fields: Int = 0, entries: Int = 0, examples: [Int64] = []) {
            self.fields = fields
            self.entries = entries
            self.examples = examples
        }
    }

    public static let examplesKept = 5

    public private(set) var changes: [Change: Count] = [:]
    public private(set) var refusals: [Refusal: Count] = [:]
    public private(set) var entriesReplayed = 0
    public private(set) var fieldsReplayed = 0
    public private(set) var fieldsChanged = 0

    public init() {}

    /// One entry's recorded decisions against the candidate's, field by field in the same order.
    public mutating func add(
        index: Int64, provider: String, purpose: String, recorded: [(outcome: Outcome, reason: ReasonCode)],
        decided: [FieldDecision]
    ) {
        entriesReplayed += 1
        fieldsReplayed += recorded.count
        var seen: Set<Change> = []
        for (then, now) in zip(recorded, decided) where then.outcome != now.outcome {
            let key = Change(
                provider: provider, purpose: purpose, from: then.outcome, to: now.outcome, was: then.reason, reason: now.reason)
            fieldsChanged += 1
            var count = changes[key] ?? Count()
            count.fields += 1
            if seen.insert(key).inserted {
                count.entries += 1
                if count.examples.count < Self.examplesKept { count.examples.append(index) }
            }
            changes[key] = count
        }
    }

    /// An entry the candidate would refuse whole: every field it released would be withheld.
    public mutating func refuse(index: Int64, provider: String, purpose: String, problem: String, fields: Int) {
        entriesReplayed += 1
        fieldsReplayed += fields
        let key = Refusal(provider: provider, purpose: purpose, problem: problem)
        var count = refusals[key] ?? Count()
        count.fields += fields
        count.entries += 1
        if count.examples.count < Self.examplesKept { count.examples.append(index) }
        refusals[key] = count
    }
}
