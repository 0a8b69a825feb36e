import DiscreetJSON
import Foundation

@testable import DiscreetPolicy

/// The decision rule of DESIGN §3 written plainly, over strings and the bundle as parsed: the
/// engine as it was before it was compiled to integer ids. The differential tests hold the real
/// engine to it on generated bundles and requests.
struct ReferenceEngine {
    let bundle: PolicyBundle

    func disclose(record: JSONObject, input: DecisionInput, pseudonymizer: Pseudonymizer) throws(RequestRefusal)
        -> DisclosureResult
    {
        let (recordType, verdicts) = try prepare(input)
        var walk = Walk(recordType: recordType, verdicts: verdicts, pseudonymizer: pseudonymizer)
        // What `scrub` removes: every scalar of a field that does not leave as it is (withheld,
        // unmapped, or transformed other than by scrub), in the record's order.
        if bundle.purposes[input.purpose]!.transforms.values.contains(where: \.isScrub) {
            var collector = walk
            collector.collect(.object(record), pattern: "", label: nil)
            walk.recordValues = collector.recordValues
        }
        let released = walk.object(record, concretePrefix: "", patternPrefix: "")
        guard walk.decisions.count <= DecisionEngine.maxFields else { throw .tooManyFields(DecisionEngine.maxFields) }
        return DisclosureResult(
            decisions: walk.decisions, released: released ?? JSONObject(), notices: walk.verdicts.notices(walk.decisions))
    }

    func decide(fields: [String], input: DecisionInput) throws(RequestRefusal) -> DecisionResult {
        guard fields.count <= DecisionEngine.maxFields else { throw .tooManyFields(DecisionEngine.maxFields) }
        var (recordType, verdicts) = try prepare(input)
        var decisions: [FieldDecision] = []
        for field in fields {
            guard let pattern = Self.pattern(ofConcrete: field), let category = recordType.fields[pattern] else {
                decisions.append(FieldDecision(field: field, category: nil, outcome: .withheld, reason: .unmappedField))
                continue
            }
            decisions.append(verdicts.verdict(for: category).decision(field: field, category: category))
        }
        return DecisionResult(decisions: decisions, notices: verdicts.notices(decisions))
    }

    private func prepare(_ input: DecisionInput) throws(RequestRefusal) -> (RecordType, Verdicts) {
        guard bundle.purposes[input.purpose] != nil else { throw .unknownPurpose(input.purpose) }
        guard let recordType = bundle.records[input.recordType] else { throw .unknownRecordType(input.recordType) }
        if let exception = input.exception, bundle.exceptions[exception.basis] == nil {
            throw .unknownException(exception.basis)
        }
        if let provider = input.provider, provider.suspended { throw .providerSuspended(provider.id) }
        return (recordType, Verdicts(bundle: bundle, input: input))
    }

    static func pattern(ofConcrete path: String) -> String? {
        var out = ""
        var i = path.startIndex
        while i < path.endIndex {
            let c = path[i]
            if c == "[" {
                guard let close = path[i...].firstIndex(of: "]") else { return nil }
                let inner = path[path.index(after: i)..<close]
                guard inner.allSatisfy(\.isASCII), inner.allSatisfy(\.isNumber) else { return nil }
                out += "[]"
                i = path.index(after: close)
            } else {
                out.append(c)
                i = path.index(after: i)
            }
        }
        return FieldPath.isWellFormed(out) ? out : nil
    }

    struct Verdict {
        var reason: ReasonCode
        var basis: String?
        var transform: Transform?
        var notices: [String]

        func decision(field: String, category: String) -> FieldDecision {
            guard reason == .permitted, let transform else {
                return FieldDecision(field: field, category: category, outcome: .withheld, reason: reason)
            }
            return FieldDecision(
                field: field, category: category, outcome: transform == .release ? .released : .transformed,
                reason: .permitted, basis: basis, transform: transform.name)
        }
    }

    struct Verdicts {
        let bundle: PolicyBundle
        let input: DecisionInput
        var cache: [String: Verdict] = [:]

        mutating func verdict(for category: String) -> Verdict {
            if let v = cache[category] { return v }
            let v = evaluate(category)
            cache[category] = v
            return v
        }

        func evaluate(_ category: String) -> Verdict {
            let regime = bundle.effectiveRegime(
                category: category, tags: input.recordTags.union(input.subject?.tags ?? []))
            let purpose = input.purpose
            var agreementID: String?
            var consentID: String?
            var exceptionBasis: String?
            // DESIGN §3: at step 3 only the recipient's kind matters; a regime's list gates step 6.
            var exceptionReachesRecipient: Bool {
                guard let exception = input.exception, let provider = input.provider,
                    let rule = bundle.exceptions[exception.basis]
                else { return false }
                return rule.recipientKinds.contains(provider.kind)
            }
            var exceptionApplies: Bool { exceptionReachesRecipient && regime.admitsException(input.exception!.basis) }
            func fail(_ r: ReasonCode) -> Verdict { Verdict(reason: r, basis: nil, transform: nil, notices: []) }
            // 2. restricted
            if input.subject?.restrictions.contains(where: {
                $0.applies(provider: input.providerID, purpose: purpose, category: category)
            }) == true {
                return fail(.restricted)
            }
            // 3. no-agreement
            if let covering = input.provider?.agreements.first(where: { a in
                a.isValid(at: input.time) && a.covers(purpose: purpose, category: category)
                    && regime.acceptsAgreementType(a.type)
            }) {
                agreementID = covering.id
            } else if exceptionReachesRecipient, let e = input.exception {
                exceptionBasis = e.basis
            } else {
                return fail(.noAgreement)
            }
            // 4. not-needed
            guard let transform = bundle.purposes[purpose]?.transforms[category] else { return fail(.notNeeded) }
            // 5. conflict-of-interest
            if regime.guardsCompetitors, let provider = input.provider, provider.servesCompetitorsOf.contains(input.subjectID) {
                let acknowledged = input.consents.contains { c in
                    c.acknowledgesConflict && c.status(at: input.time) == .active
                        && c.covers(provider: provider.id, purpose: purpose, category: category, allowAnyProvider: false)
                }
                if !acknowledged { return fail(.conflictOfInterest) }
            }
            // 6. consent
            if regime.requiresConsent(for: purpose) {
                let allowAny = regime.acceptsAnyContractedProvider(for: purpose)
                var sawWithdrawn = false
                var sawExpired = false
                var best: Consent?
                for c in input.consents
                where c.covers(provider: input.providerID, purpose: purpose, category: category, allowAnyProvider: allowAny) {
                    switch c.status(at: input.time) {
                    case .active:
                        if best == nil || c.expiresAt > best!.expiresAt || (c.expiresAt == best!.expiresAt && c.id < best!.id) {
                            best = c
                        }
                    case .withdrawn: sawWithdrawn = true
                    case .expired: sawExpired = true
                    case .notYetValid: break
                    }
                }
                if let best {
                    consentID = best.id
                } else if exceptionApplies, let e = input.exception {
                    exceptionBasis = e.basis
                } else {
                    return fail(sawWithdrawn ? .consentWithdrawn : sawExpired ? .consentExpired : .noConsent)
                }
            }
            let basis =
                exceptionBasis.map { "exception:\($0)" } ?? consentID.map { "consent:\($0)" }
                ?? agreementID.map { "agreement:\($0)" }
            return Verdict(reason: .permitted, basis: basis, transform: transform, notices: regime.notices)
        }

        func notices(_ decisions: [FieldDecision]) -> [String] {
            var out: [String] = []
            for d in decisions where d.outcome != .withheld {
                guard let c = d.category, let v = cache[c] else { continue }
                for n in v.notices where !out.contains(n) { out.append(n) }
            }
            return out
        }
    }

    struct Walk {
        let recordType: RecordType
        var verdicts: Verdicts
        let pseudonymizer: Pseudonymizer
        var decisions: [FieldDecision] = []
        var recordValues = RecordValues()

        /// Plainly: a field's scalars are gathered unless the field leaves as is or is scrubbed;
        /// whatever the record type does not map is gathered as `withheld`.
        mutating func collect(_ value: JSONValue, pattern: String, label: String?) {
            var label = label
            if label == nil, !pattern.isEmpty {
                if let category = recordType.fields[pattern] {
                    let verdict = verdicts.verdict(for: category)
                    let leaves = verdict.decision(field: pattern, category: category).outcome != .withheld
                    if leaves, verdict.transform == .release || verdict.transform?.isScrub == true { return }
                    label = category
                } else if !recordType.interiorPaths.contains(pattern) {
                    label = "withheld"
                }
            }
            switch value {
            // A scalar where the record type expects an object or array is unmapped too.
            case .string(let s): recordValues.add(s, label: label ?? "withheld")
            case .number(let n): recordValues.add(n, label: label ?? "withheld")
            case .object(let o):
                for (key, v) in o.members {
                    let plain = !key.isEmpty && !key.contains(".") && !key.contains("[") && !key.contains("]")
                    let child = pattern.isEmpty ? key : pattern + "." + key
                    collect(v, pattern: child, label: label ?? (plain ? nil : "withheld"))
                }
            case .array(let a):
                for v in a { collect(v, pattern: pattern + "[]", label: label) }
            default: break
            }
        }

        mutating func object(_ object: JSONObject, concretePrefix: String, patternPrefix: String) -> JSONObject? {
            var out = JSONObject()
            for (key, value) in object.members {
                let concrete = concretePrefix.isEmpty ? key : concretePrefix + "." + key
                let pattern = patternPrefix.isEmpty ? key : patternPrefix + "." + key
                // A member the record type does not name is recorded by its keyed digest, not its text.
                guard !key.isEmpty, !key.contains("."), !key.contains("["), !key.contains("]"),
                    recordType.fields[pattern] != nil || recordType.interiorPaths.contains(pattern)
                else {
                    let digest = pseudonymizer.memberDigest(of: key)
                    let field = concretePrefix.isEmpty ? digest : concretePrefix + "." + digest
                    decisions.append(FieldDecision(field: field, category: nil, outcome: .withheld, reason: .unmappedField))
                    continue
                }
                if let kept = visit(value, concrete: concrete, pattern: pattern) { out[key] = kept }
            }
            return out.isEmpty ? nil : out
        }

        mutating func visit(_ value: JSONValue, concrete: String, pattern: String) -> JSONValue? {
            if let category = recordType.fields[pattern] {
                let verdict = verdicts.verdict(for: category)
                let decision = verdict.decision(field: concrete, category: category)
                guard decision.outcome != .withheld, let transform = verdict.transform else {
                    decisions.append(decision)
                    return nil
                }
                if transform == .tokenize {
                    // The subject's token for this path, whatever the value; none issued yet: a blank.
                    var kept = decision
                    kept.token = verdicts.input.tokens[concrete]
                    decisions.append(kept)
                    return .string(kept.token ?? "")
                }
                var utc = Calendar(identifier: .gregorian)
                utc.timeZone = TimeZone(identifier: "UTC")!
                let context = TransformContext(
                    record: recordValues, decisionYear: utc.component(.year, from: verdicts.input.time),
                    safeHarbor: verdicts.bundle.purposes[verdicts.input.purpose]?.safeHarbor ?? false)
                guard let out = transform.apply(to: value, pseudonymizer: pseudonymizer, context: context) else {
                    decisions.append(
                        FieldDecision(field: concrete, category: category, outcome: .withheld, reason: .untransformable))
                    return nil
                }
                var kept = decision
                if case .scrub(let kinds) = transform, case .string(let text) = value {
                    kept.scrubbed =
                        Scrubber.scrub(text, kinds: kinds, record: recordValues, agesOver89: context.safeHarbor)!.counts
                } else if case .scrub(let kinds) = transform, case .number(let text) = value {
                    kept.scrubbed =
                        Scrubber.scrub(text, kinds: kinds, record: recordValues, agesOver89: context.safeHarbor)!.counts
                }
                decisions.append(kept)
                return out
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
    }
}
