import Yams

extension BundleWalk {
    mutating func records(_ node: Node, _ path: Pointer, categories: Set<String>) -> [String: RecordType] {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: RecordType] = [:]
        for (name, body) in entries {
            let p = path.appending(name)
            guard let fields = reader.mapping(body, p, what: "a record type: a mapping of field paths to categories") else {
                continue
            }
            var mapped: [String: String] = [:]
            for (field, value) in fields {
                let q = p.appending(field)
                if !FieldPath.isWellFormed(field) {
                    reader.issue(q, value, "a field path is dotted names, with [] after an array (treatments[].code)")
                    continue
                }
                guard let category = reader.string(value, q, what: "a category") else { continue }
                if !categories.contains(category) {
                    reader.issue(q, value, "unknown category '\(category)'; declare it under /categories")
                    continue
                }
                mapped[field] = category
            }
            let type = RecordType(name: name, fields: mapped)
            for field in mapped.keys.sorted() where type.interiorPaths.contains(field) {
                reader.issue(p.appending(field), body, "mapped whole and also inside; map either the field or its parts")
            }
            out[name] = type
        }
        return out
    }

    mutating func purposes(_ node: Node, _ path: Pointer, categories: Set<String>) -> [String: Purpose] {
        guard let entries = reader.mapping(node, path) else { return [:] }
        var out: [String: Purpose] = [:]
        for (name, body) in entries {
            let p = path.appending(name)
            guard let fields = reader.mapping(body, p, what: "a purpose: a mapping of categories to transforms") else { continue }
            var accountable = true
            var safeHarbor = false
            var list = fields
            var listPath = p
            // Extended form: { accountable: false, deidentify: safe-harbor, categories: { ... } }.
            if fields.contains(where: { $0.key == "categories" }) {
                reader.rejectUnknown(fields, allowed: ["categories", "accountable", "deidentify"], p)
                if let a = fields.first(where: { $0.key == "accountable" }) {
                    accountable = reader.bool(a.node, p.appending("accountable")) ?? true
                }
                if let d = fields.first(where: { $0.key == "deidentify" }) {
                    if d.node.scalar?.string == "safe-harbor" {
                        safeHarbor = true
                    } else {
                        reader.issue(p.appending("deidentify"), d.node, "expected safe-harbor (HIPAA 164.514(b)(2))")
                    }
                }
                listPath = p.appending("categories")
                let c = fields.first { $0.key == "categories" }!.node
                list = reader.mapping(c, listPath) ?? []
            }
            var transforms: [String: Transform] = [:]
            for (category, value) in list {
                let q = listPath.appending(category)
                if !categories.contains(category) {
                    reader.issue(q, value, "unknown category '\(category)'; declare it under /categories")
                    continue
                }
                guard let t = transform(value, q) else { continue }
                if safeHarbor, let why = BundleWalk.notSafeHarbor(t) { reader.issue(q, value, why) }
                transforms[category] = t
            }
            out[name] = Purpose(name: name, transforms: transforms, accountable: accountable, safeHarbor: safeHarbor)
        }
        return out
    }

    static let transformHelp =
        "expected release, pseudonymize, tokenize, scrub, {mask: N}, {generalize: year}, {generalize: month}, {generalize: {band: N}}, {generalize: {prefix: N}}, {scrub: [KIND, ...]} or {safe-harbor: zip|date|age}"

    /// Why a transform may not serve a purpose that deidentifies by Safe Harbor, or nil.
    static func notSafeHarbor(_ t: Transform) -> String? {
        switch t {
        case .pseudonymize:
            "a pseudonym is derived from the identifier, which Safe Harbor forbids (164.514(c)(1)); withhold the category"
        case .mask:
            "a mask leaves part of the identifier; under safe-harbor withhold the category or use a safe-harbor transform"
        case .generalizeMonth:
            "Safe Harbor keeps no date element but the year; use {safe-harbor: date}"
        case .generalizePrefix:
            "a prefix is not Safe Harbor's ZIP rule; use {safe-harbor: zip}"
        case .generalizeYear:
            "a year alone may still show an age over 89; use {safe-harbor: date}"
        case .scrub(let kinds) where kinds != .all:
            "Safe Harbor removes every kind from free text; write scrub"
        default: nil
        }
    }

    static let scrubKindHelp = "expected a list of " + ScrubKind.allCases.map(\.name).joined(separator: ", ")

    mutating func transform(_ node: Node, _ path: Pointer) -> Transform? {
        if let s = node.scalar?.string {
            switch s {
            case "release": return .release
            case "pseudonymize": return .pseudonymize
            case "tokenize": return .tokenize
            case "scrub": return .scrub(.all)
            default:
                reader.issue(path, node, "unknown transform; \(BundleWalk.transformHelp)")
                return nil
            }
        }
        guard case .mapping(let m) = node, m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }),
            let key = k.scalar?.string
        else {
            reader.issue(path, node, BundleWalk.transformHelp)
            return nil
        }
        let q = path.appending(key)
        switch key {
        case "mask":
            return reader.nonNegativeInt(v, q, what: "how many trailing characters to keep (0 or more)").map { .mask(keep: $0) }
        case "safe-harbor":
            switch v.scalar?.string {
            case "zip": return .safeHarborZIP
            case "date": return .safeHarborDate
            case "age": return .safeHarborAge
            default:
                reader.issue(q, v, "expected zip, date or age")
                return nil
            }
        case "scrub":
            guard case .sequence(let items) = v else {
                reader.issue(q, v, BundleWalk.scrubKindHelp)
                return nil
            }
            var kinds = ScrubKinds()
            for (i, item) in items.enumerated() {
                guard let name = item.scalar?.string, let kind = ScrubKind(name: name) else {
                    reader.issue(q.appending(String(i)), item, "unknown kind; " + BundleWalk.scrubKindHelp)
                    return nil
                }
                kinds.insert(ScrubKinds(kind))
            }
            return .scrub(kinds)
        case "generalize":
            if let s = v.scalar?.string {
                if s == "year" { return .generalizeYear }
                if s == "month" { return .generalizeMonth }
            } else if case .mapping(let g) = v, g.count == 1, let (gk, gv) = g.first.map({ ($0.key, $0.value) }) {
                switch gk.scalar?.string {
                case "band":
                    guard let w = reader.nonNegativeInt(gv, q.appending("band"), what: "a band width of 1 or more") else {
                        return nil
                    }
                    guard w > 0 else {
                        reader.issue(q.appending("band"), gv, "expected a band width of 1 or more")
                        return nil
                    }
                    return .generalizeBand(width: w)
                case "prefix":
                    return reader.nonNegativeInt(gv, q.appending("prefix"), what: "how many leading characters to keep")
                        .map { .generalizePrefix(keep: $0) }
                default: break
                }
            }
            reader.issue(q, v, "expected year, month, {band: N} or {prefix: N}")
            return nil
        default:
            reader.issue(path, node, "unknown transform '\(key)'; \(BundleWalk.transformHelp)")
            return nil
        }
    }
}
