import DiscreetJSON

/// What a transform may depend on beyond the value: the record's other values (`scrub`), the
/// decision's year (`safe-harbor: date`), and whether the purpose deidentifies by Safe Harbor.
/// Inputs like any other: the engine reads no clock.
public struct TransformContext: Sendable {
    public var record: RecordValues
    public var decisionYear: Int
    public var safeHarbor: Bool

    public init(record: RecordValues = RecordValues(), decisionYear: Int = 0, safeHarbor: Bool = false) {
        self.record = record
        self.decisionYear = decisionYear
        self.safeHarbor = safeHarbor
    }
}

/// Applies a purpose's transform to a value. Nil means the transform cannot apply to this value;
/// the engine then withholds the field (`untransformable`) rather than release it as is.
enum TransformApplier {
    static func apply(
        _ transform: Transform, to value: JSONValue, pseudonymizer: Pseudonymizer, context: TransformContext = TransformContext()
    ) -> JSONValue? {
        applyCounting(transform, to: value, pseudonymizer: pseudonymizer, context: context)?.value
    }

    /// The transformed value, and for `scrub` what it removed.
    static func applyCounting(
        _ transform: Transform, to value: JSONValue, pseudonymizer: Pseudonymizer, context: TransformContext
    ) -> (value: JSONValue, scrubbed: [ScrubCount]?)? {
        switch transform {
        case .scrub(let kinds):
            guard let text = scalarText(value),
                let result = Scrubber.scrub(text, kinds: kinds, record: context.record, agesOver89: context.safeHarbor)
            else { return nil }
            return (.string(result.text), result.counts)
        case .safeHarborDate:
            return value.stringValue.flatMap { SafeHarbor.date($0, decisionYear: context.decisionYear) }
                .map { (.string($0), nil) }
        default:
            return applyPlain(transform, to: value, pseudonymizer: pseudonymizer).map { ($0, nil) }
        }
    }

    static func applyPlain(_ transform: Transform, to value: JSONValue, pseudonymizer: Pseudonymizer) -> JSONValue? {
        switch transform {
        case .release:
            return value
        case .mask(let keep):
            return scalarText(value).map { .string(Masking.mask($0, keep: keep)) }
        case .generalizeYear:
            return value.stringValue.flatMap { Generalization.date($0, keepMonth: false) }.map(JSONValue.string)
        case .generalizeMonth:
            return value.stringValue.flatMap { Generalization.date($0, keepMonth: true) }.map(JSONValue.string)
        case .generalizeBand(let width):
            return scalarText(value).flatMap { Generalization.band($0, width: width) }.map(JSONValue.string)
        case .generalizePrefix(let keep):
            return scalarText(value).map { .string(String($0.prefix(keep))) }
        case .pseudonymize:
            return scalarText(value).map { .string(pseudonymizer.pseudonym(of: $0)) }
        case .tokenize:
            // A token comes from the token table, not from the value: `RecordWalk` looks it up.
            return nil
        case .scrub(let kinds):
            return scalarText(value).flatMap { Scrubber.scrub($0, kinds: kinds) }.map { .string($0.text) }
        case .safeHarborZIP:
            return scalarText(value).flatMap(SafeHarbor.zip).map(JSONValue.string)
        case .safeHarborDate:
            // Without a decision's year no age can be judged: the year goes too.
            return value.stringValue.flatMap { SafeHarbor.date($0, decisionYear: Int.max) }.map(JSONValue.string)
        case .safeHarborAge:
            return scalarText(value).flatMap(SafeHarbor.age).map(JSONValue.string)
        }
    }

    /// The text of a string or number; nil for anything else.
    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): n
        default: nil
        }
    }
}

extension Transform {
    /// The transformed value, or nil when this transform cannot apply to it (then the engine
    /// withholds the field as `untransformable`). `context` holds what `scrub` and Safe Harbor's
    /// date rule depend on.
    public func apply(to value: JSONValue, pseudonymizer: Pseudonymizer, context: TransformContext = TransformContext())
        -> JSONValue?
    {
        TransformApplier.apply(self, to: value, pseudonymizer: pseudonymizer, context: context)
    }
}
