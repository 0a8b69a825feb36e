import Yams

extension BundleWalk {
    static let regimeKeys: Set<String> = [
        "consent", "recipient", "consent-exempt-purposes", "exceptions", "notice", "guards-competitors", "agreement-types",
        "citation", "notice-citation",
    ]

    mutating func regimes(_ node: Node, _ path: Pointer, exceptions: [String: ExceptionRule], purposes: Set<String>)
        -> [String: Regime]
    {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: Regime] = [:]
        for (name, body) in entries {
            let p = path.appending(name)
            guard let fields = reader.mapping(body, p, what: "a regime: a mapping with at least 'consent'") else { continue }
            reader.rejectUnknown(fields, allowed: BundleWalk.regimeKeys, p)
            reader.requireKeys(fields, ["consent"], p, body)
            var regime = Regime(name: name, consent: .required)
            var valid = true
            for (key, value) in fields {
                let q = p.appending(key)
                switch key {
                case "consent":
                    if let s = reader.string(value, q), let rule = Regime.ConsentRule(rawValue: s) {
                        regime.consent = rule
                    } else {
                        reader.issue(q, value, "expected 'required' or 'not-required'")
                        valid = false
                    }
                case "recipient":
                    if let s = reader.string(value, q), let rule = Regime.RecipientRule(rawValue: s) {
                        regime.recipient = rule
                    } else {
                        reader.issue(q, value, "expected 'named' or 'any-contracted'")
                        valid = false
                    }
                case "consent-exempt-purposes":
                    let list = reader.strings(value, q) ?? []
                    for (i, purpose) in list.enumerated() where !purposes.contains(purpose) {
                        reader.issue(q.appending(i), value, "unknown purpose '\(purpose)'")
                    }
                    regime.consentExemptPurposes = Set(list)
                case "exceptions":
                    let list = reader.strings(value, q) ?? []
                    for (i, e) in list.enumerated() where exceptions[e] == nil {
                        reader.issue(q.appending(i), value, "unknown exception '\(e)'; declare it under /exceptions")
                    }
                    regime.exceptions = Set(list)
                case "notice":
                    regime.notice = reader.string(value, q, what: "the notice's text")
                case "guards-competitors":
                    regime.guardsCompetitors = reader.bool(value, q) ?? false
                case "agreement-types":
                    regime.agreementTypes = Set(reader.strings(value, q) ?? [])
                case "citation":
                    regime.citation = citation(value, q)
                case "notice-citation":
                    regime.noticeCitation = citation(value, q)
                default:
                    break
                }
            }
            if valid { out[name] = regime }
        }
        return out
    }

    mutating func exceptionRules(_ node: Node, _ path: Pointer) -> [String: ExceptionRule] {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: ExceptionRule] = [:]
        for (name, body) in entries {
            let p = path.appending(name)
            guard let fields = reader.mapping(body, p, what: "an exception: a mapping with 'recipient-kinds'") else { continue }
            reader.rejectUnknown(fields, allowed: ["recipient-kinds", "citation"], p)
            reader.requireKeys(fields, ["recipient-kinds"], p, body)
            guard let kinds = fields.first(where: { $0.key == "recipient-kinds" }) else { continue }
            let list = reader.strings(kinds.node, p.appending("recipient-kinds")) ?? []
            if list.isEmpty {
                reader.issue(p.appending("recipient-kinds"), kinds.node, "name at least one kind of recipient")
            }
            let cited = fields.first { $0.key == "citation" }.flatMap { citation($0.node, p.appending("citation")) }
            out[name] = ExceptionRule(name: name, recipientKinds: Set(list), citation: cited)
        }
        return out
    }

    mutating func categories(_ node: Node, _ path: Pointer, regimes: Set<String>) -> [String: String] {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: String] = [:]
        for (name, value) in entries {
            let p = path.appending(name)
            if !CategoryPattern.isValidName(name) {
                reader.issue(p, value, "a category name is dotted lowercase words (identity.name)")
            }
            if value.scalar != nil, reader.kind(value) == .null {
                reader.issue(
                    p, value, "the category has no regime; name one of: \(regimes.sorted().joined(separator: ", "))")
                continue
            }
            guard let regime = reader.string(value, p, what: "a regime's name") else { continue }
            if !regimes.contains(regime) {
                reader.issue(p, value, "unknown regime '\(regime)'")
                continue
            }
            out[name] = regime
        }
        return out
    }

    mutating func tags(_ node: Node, _ path: Pointer, regimes: Set<String>) -> [String: [String]] {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: [String]] = [:]
        for (tag, value) in entries {
            let p = path.appending(tag)
            let list: [String]
            if case .scalar = value {
                list = reader.string(value, p).map { [$0] } ?? []
            } else {
                list = reader.strings(value, p, what: "a regime or a list of regimes") ?? []
            }
            for (i, r) in list.enumerated() where !regimes.contains(r) {
                reader.issue(list.count == 1 ? p : p.appending(i), value, "unknown regime '\(r)'")
            }
            out[tag] = list
        }
        return out
    }

    /// A citation: one line of text, as people write them (`45 CFR 164.512(j)`, `Code pénal art.
    /// 226-13`), at most 200 characters.
    mutating func citation(_ node: Node, _ path: Pointer) -> String? {
        guard let text = reader.string(node, path, what: "a citation: the text of law, such as '45 CFR 164.506'") else {
            return nil
        }
        guard text.count <= 200, text.contains(where: { !$0.isWhitespace }), !text.contains(where: \.isNewline) else {
            reader.issue(path, node, "a citation is one line of 1 to 200 characters")
            return nil
        }
        return text
    }
}
