import DiscreetJSON

/// Walks a record against its record type, deciding each mapped field and rebuilding the record
/// with only what passed.
///
/// A node whose path is mapped is one field (a scalar, or an object or array released whole).
/// A node on the way to mapped paths is descended into. Anything else is `unmapped-field`, and so
/// is a key holding `.`, `[` or `]`, which could otherwise pose as a nested path. Objects and
/// arrays left empty are dropped.
struct RecordWalk {
    let recordType: RecordType
    var verdicts: VerdictCache
    let pseudonymizer: Pseudonymizer
    var decisions: [FieldDecision] = []

    init(recordType: RecordType, verdicts: VerdictCache, pseudonymizer: Pseudonymizer) {
        self.recordType = recordType
        self.verdicts = verdicts
        self.pseudonymizer = pseudonymizer
    }

    mutating func object(_ object: JSONObject, concretePrefix: String, patternPrefix: String) -> JSONObject? {
        var out = JSONObject()
        for (key, value) in object.members {
            let concrete = concretePrefix.isEmpty ? key : concretePrefix + "." + key
            guard RecordWalk.isPlainKey(key) else {
                decisions.append(FieldDecision(field: concrete, category: nil, outcome: .withheld, reason: .unmappedField))
                continue
            }
            let pattern = patternPrefix.isEmpty ? key : patternPrefix + "." + key
            if let kept = visit(value, concrete: concrete, pattern: pattern) { out[key] = kept }
        }
        return out.isEmpty ? nil : out
    }

    mutating func visit(_ value: JSONValue, concrete: String, pattern: String) -> JSONValue? {
        if let category = recordType.fields[pattern] {
            return field(value, concrete: concrete, category: category)
        }
        if recordType.interiorPaths.contains(pattern) {
            switch value {
            case .object(let o):
                return object(o, concretePrefix: concrete, patternPrefix: pattern).map(JSONValue.object)
            case .array(let elements):
                var kept: [JSONValue] = []
                for (i, e) in elements.enumerated() {
                    if let v = visit(e, concrete: "\(concrete)[\(i)]", pattern: pattern + "[]") { kept.append(v) }
                }
                return kept.isEmpty ? nil : .array(kept)
            default:
                break
            }
        }
        decisions.append(FieldDecision(field: concrete, category: nil, outcome: .withheld, reason: .unmappedField))
        return nil
    }

    mutating func field(_ value: JSONValue, concrete: String, category: String) -> JSONValue? {
        let verdict = verdicts.verdict(for: category)
        var decision = verdict.decision(field: concrete, category: category)
        guard decision.outcome != .withheld, let transform = verdict.transform else {
            decisions.append(decision)
            return nil
        }
        guard let out = TransformApplier.apply(transform, to: value, pseudonymizer: pseudonymizer) else {
            decision = FieldDecision(field: concrete, category: category, outcome: .withheld, reason: .untransformable)
            decisions.append(decision)
            return nil
        }
        decisions.append(decision)
        return out
    }

    static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && !key.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
    }

    /// `a[3].b[0]` → `a[].b[]`; a pattern passes through; nil for a malformed path.
    static func pattern(ofConcrete path: String) -> String? {
        var utf8Path = path
        return utf8Path.withUTF8 { utf8 -> String? in
            // Most paths hold no index: they are their own pattern.
            guard utf8.contains(UInt8(ascii: "[")) else { return FieldPath.isWellFormed(utf8) ? path : nil }
            var out: [UInt8] = []
            out.reserveCapacity(utf8.count)
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                i += 1
                guard b == UInt8(ascii: "[") else {
                    out.append(b)
                    continue
                }
                while i < utf8.count, (0x30...0x39).contains(utf8[i]) { i += 1 }
                guard i < utf8.count, utf8[i] == UInt8(ascii: "]") else { return nil }
                i += 1
                out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
            }
            return out.withUnsafeBufferPointer { FieldPath.isWellFormed($0) } ? String(decoding: out, as: UTF8.self) : nil
        }
    }
}
