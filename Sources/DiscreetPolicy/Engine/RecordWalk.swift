import DiscreetJSON

/// Walks a record down its record type's trie, deciding each mapped field and rebuilding the
/// record with only what passed.
///
/// A node whose path is mapped is one field (a scalar, or an object or array released whole).
/// A node on the way to mapped paths is descended into. Anything else is `unmapped-field`, and so
/// is a key holding `.`, `[` or `]`, which could otherwise pose as a nested path. Objects and
/// arrays left empty are dropped.
///
/// An unmapped member is named by the mapped path that leads to it (names from the bundle) and
/// the keyed digest of its own name (`address.#5f0c…`), never by its text: see
/// `Pseudonymizer.memberDigest(of:)`.
///
/// A purpose that scrubs reads each record twice (`decide(_:prefix:scrubs:)`): first to gather
/// the values of the fields this decision withholds or transforms (`collected`), then to decide,
/// with those values removed from every scrubbed field's text. The first reading only lists the
/// values; they are indexed for `scrub` (`RecordValues`, a trie of each value's forms) only when the
/// record holds a scrubbed field, which most records of such a purpose do not.
struct RecordWalk {
    let record: CompiledRecord
    var verdicts: VerdictCache
    let pseudonymizer: Pseudonymizer
    var decisions: [FieldDecision] = []
    /// In the first reading: gather values, build nothing that is kept.
    var collecting = false
    /// What the first reading gathered: each value with its label, in record order.
    var collected: [(text: String, label: String)] = []
    /// Whether the first reading met a field this decision scrubs.
    var metScrubbedField = false
    /// In the second: the values `scrub` removes.
    var recordValues = RecordValues()
    /// The subject's tokens with this provider, by concrete path (`tokenize`).
    let tokens: [String: String]
    /// Tokenized paths with no token yet: the caller issues them and decides again.
    var missingTokens: [String] = []
    /// The tokens and pseudonyms released, for the leak-tracing index, by their path in the record
    /// (without a gateway body's `[2]` prefix: a subject's field is the same field in any body).
    var releasedTokens: [FieldReference] = []
    var pseudonyms: [FieldReference] = []
    /// The length of the prefix the record's fields are named under, and its `.`.
    var prefixLength = 0

    init(record: CompiledRecord, verdicts: VerdictCache, pseudonymizer: Pseudonymizer, tokens: [String: String] = [:]) {
        self.record = record
        self.verdicts = verdicts
        self.pseudonymizer = pseudonymizer
        self.tokens = tokens
    }

    /// The record decided, read twice when the purpose scrubs (see the type's comment).
    mutating func decide(_ object: JSONObject, prefix: String, scrubs: Bool) -> JSONObject? {
        prefixLength = prefix.isEmpty ? 0 : prefix.utf8.count + 1
        guard scrubs else { return self.object(object, node: 0, prefix: prefix) }
        var first = self
        first.decisions = []
        first.collecting = true
        first.collected = []
        _ = first.object(object, node: 0, prefix: prefix)
        verdicts = first.verdicts
        // A walk decides each record of a body in turn: each is scrubbed against its own values.
        recordValues = RecordValues()
        if first.metScrubbedField {
            for (text, label) in first.collected { recordValues.add(text, label: label) }
        }
        return self.object(object, node: 0, prefix: prefix)
    }

    mutating func object(_ object: JSONObject, node: Int, prefix: String) -> JSONObject? {
        var out = JSONObject()
        out.reserveCapacity(object.count)
        for (key, value) in object.members {
            guard RecordWalk.isPlainKey(key), let child = record.nodes[node].children[key] else {
                if collecting {
                    collect(value, label: RecordWalk.unmappedLabel)
                    continue
                }
                let digest = pseudonymizer.memberDigest(of: key)
                unmapped(prefix.isEmpty ? digest : prefix + "." + digest)
                continue
            }
            // The first reading names no field: no path is built for it.
            let concrete = collecting ? "" : prefix.isEmpty ? key : prefix + "." + key
            // Keys of a parsed object are unique, so the kept ones are too.
            if let kept = visit(value, node: child, concrete: concrete) { out.appendUnchecked(key, kept) }
        }
        return out.isEmpty ? nil : out
    }

    mutating func visit(_ value: JSONValue, node: Int, concrete: String) -> JSONValue? {
        let category = record.nodes[node].category
        if category >= 0 { return field(value, concrete: concrete, category: category) }
        if record.nodes[node].isInterior {
            switch value {
            case .object(let o):
                return object(o, node: node, prefix: concrete).map(JSONValue.object)
            case .array(let elements):
                let elementNode = record.nodes[node].elements
                var kept: [JSONValue] = []
                for (i, e) in elements.enumerated() {
                    guard elementNode >= 0 else {
                        if collecting {
                            collect(e, label: RecordWalk.unmappedLabel)
                        } else {
                            unmapped(concrete + "[" + String(i) + "]")
                        }
                        continue
                    }
                    let path = collecting ? concrete : concrete + "[" + String(i) + "]"
                    if let v = visit(e, node: elementNode, concrete: path) { kept.append(v) }
                }
                return kept.isEmpty ? nil : .array(kept)
            default:
                break
            }
        }
        if collecting {
            collect(value, label: RecordWalk.unmappedLabel)
        } else {
            unmapped(concrete)
        }
        return nil
    }

    /// What an unmapped member's value is replaced by in scrubbed text.
    static let unmappedLabel = "withheld"

    /// Gathers a value's scalars (all of them, for an object or array) for `scrub` to remove.
    mutating func collect(_ value: JSONValue, label: String) {
        switch value {
        case .string(let s): collected.append((s, label))
        case .number(let n): collected.append((n, label))
        case .object(let o): for (_, v) in o.members { collect(v, label: label) }
        case .array(let a): for v in a { collect(v, label: label) }
        default: break
        }
    }

    mutating func unmapped(_ path: String) {
        decisions.append(FieldDecision(field: path, category: nil, outcome: .withheld, reason: .unmappedField))
    }

    mutating func field(_ value: JSONValue, concrete: String, category: Int) -> JSONValue? {
        let transform = verdicts.permittedTransform(category)
        if collecting {
            // Released as is, it may leave anyway; scrubbed, it is free text, not a value.
            if transform?.isScrub == true {
                metScrubbedField = true
            } else if transform != .release {
                collect(value, label: verdicts.categoryName(category))
            }
            return nil
        }
        guard let transform else {
            decisions.append(verdicts.decision(field: concrete, category: category))
            return nil
        }
        if transform == .tokenize { return token(concrete: concrete, category: category) }
        guard
            let (out, scrubbed) = TransformApplier.applyCounting(
                transform, to: value, pseudonymizer: pseudonymizer,
                context: TransformContext(
                    record: recordValues, decisionYear: transform == .safeHarborDate ? verdicts.scope.decisionYear : 0,
                    safeHarbor: verdicts.scope.safeHarbor))
        else {
            decisions.append(
                FieldDecision(
                    field: concrete, category: verdicts.categoryName(category), outcome: .withheld, reason: .untransformable))
            return nil
        }
        var decision = verdicts.decision(field: concrete, category: category)
        decision.scrubbed = scrubbed
        decisions.append(decision)
        if transform == .pseudonymize, case .string(let p) = out {
            pseudonyms.append(FieldReference(field: inRecord(concrete), value: p))
        }
        return out
    }

    /// The field's token in its value's place, whatever the value; an empty string stands in for
    /// one not issued yet (`missingTokens`), and the caller decides again once it is.
    /// Tokens are keyed by the field's path in the record (`inRecord`), so a subject's field has
    /// one token whichever body or call carries it.
    mutating func token(concrete: String, category: Int) -> JSONValue {
        var decision = verdicts.decision(field: concrete, category: category)
        let path = inRecord(concrete)
        let token = tokens[path]
        if let token {
            releasedTokens.append(FieldReference(field: path, value: token))
        } else {
            missingTokens.append(path)
        }
        decision.token = token
        decisions.append(decision)
        return .string(token ?? "")
    }

    /// A decision's field path without the body's record prefix.
    func inRecord(_ concrete: String) -> String {
        prefixLength == 0 ? concrete : String(concrete.utf8.dropFirst(prefixLength))!
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
