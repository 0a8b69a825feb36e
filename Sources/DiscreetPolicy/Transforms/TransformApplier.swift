import DiscreetJSON

/// Applies a purpose's transform to a value. Nil means the transform cannot apply to this value;
/// the engine then withholds the field (`untransformable`) rather than release it as is.
enum TransformApplier {
    static func apply(
        _ transform: Transform, to value: JSONValue, pseudonymizer: Pseudonymizer, record: RecordValues = RecordValues()
    ) -> JSONValue? {
        applyCounting(transform, to: value, pseudonymizer: pseudonymizer, record: record)?.value
    }

    /// The transformed value, and for `scrub` what it removed.
    static func applyCounting(
        _ transform: Transform, to value: JSONValue, pseudonymizer: Pseudonymizer, record: RecordValues
    ) -> (value: JSONValue, scrubbed: [ScrubCount]?)? {
        if case .scrub(let kinds) = transform {
            guard let text = scalarText(value), let result = Scrubber.scrub(text, kinds: kinds, record: record) else {
                return nil
            }
            return (.string(result.text), result.counts)
        }
        return applyPlain(transform, to: value, pseudonymizer: pseudonymizer).map { ($0, nil) }
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
        case .scrub(let kinds):
            return scalarText(value).flatMap { Scrubber.scrub($0, kinds: kinds) }.map { .string($0.text) }
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
    /// withholds the field as `untransformable`). `record` holds the values `scrub` removes too.
    public func apply(to value: JSONValue, pseudonymizer: Pseudonymizer, record: RecordValues = RecordValues()) -> JSONValue? {
        TransformApplier.apply(self, to: value, pseudonymizer: pseudonymizer, record: record)
    }
}
