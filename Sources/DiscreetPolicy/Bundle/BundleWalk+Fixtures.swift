import Foundation
import Yams

extension BundleWalk {
    mutating func fixtures(_ node: Node, _ path: Pointer) -> BundleFixtures {
        var out = BundleFixtures()
        guard let entries = reader.mapping(node, path) else { return out }
        reader.rejectUnknown(entries, allowed: ["providers", "subjects", "consents"], path)
        for (key, value) in entries {
            let p = path.appending(key)
            switch key {
            case "providers":
                for (id, body) in reader.mapping(value, p) ?? [] {
                    if let provider = provider(id, body, p.appending(id)) { out.providers[id] = provider }
                }
            case "subjects":
                for (id, body) in reader.mapping(value, p) ?? [] {
                    if let subject = subject(id, body, p.appending(id)) { out.subjects[id] = subject }
                }
            case "consents":
                for (i, body) in (reader.sequence(value, p) ?? []).enumerated() {
                    if let consent = consent(body, p.appending(i), index: i) { out.consents.append(consent) }
                }
            default: break
            }
        }
        return out
    }

    mutating func provider(_ id: String, _ node: Node, _ path: Pointer) -> Provider? {
        guard let fields = reader.mapping(node, path) else { return nil }
        reader.rejectUnknown(fields, allowed: ["kind", "agreements", "serves_competitors_of", "suspended"], path)
        reader.requireKeys(fields, ["kind"], path, node)
        var provider = Provider(id: id, kind: "")
        for (key, value) in fields {
            let q = path.appending(key)
            switch key {
            case "kind": provider.kind = reader.string(value, q) ?? ""
            case "serves_competitors_of": provider.servesCompetitorsOf = Set(reader.strings(value, q) ?? [])
            case "suspended": provider.suspended = reader.bool(value, q) ?? false
            case "agreements":
                for (i, a) in (reader.sequence(value, q) ?? []).enumerated() {
                    if let agreement = agreement(a, q.appending(i), fallbackID: "\(id)-\(i)") {
                        provider.agreements.append(agreement)
                    }
                }
            default: break
            }
        }
        return provider
    }

    mutating func agreement(_ node: Node, _ path: Pointer, fallbackID: String) -> Agreement? {
        guard let fields = reader.mapping(node, path) else { return nil }
        reader.rejectUnknown(
            fields, allowed: ["id", "type", "purposes", "categories", "valid_from", "valid_until", "document_digest"], path)
        reader.requireKeys(fields, ["type", "purposes", "categories", "valid_from", "valid_until"], path, node)
        var a = Agreement(
            id: fallbackID, type: "", purposes: [], categories: [], validFrom: .distantFuture, validUntil: .distantPast)
        for (key, value) in fields {
            let q = path.appending(key)
            switch key {
            case "id": a.id = reader.string(value, q) ?? fallbackID
            case "type": a.type = reader.string(value, q) ?? ""
            case "purposes":
                a.purposes = Set(reader.strings(value, q) ?? [])
                if a.purposes.isEmpty { reader.issue(q, value, "name at least one purpose") }
            case "categories":
                a.categories = patterns(value, q)
                if a.categories.isEmpty { reader.issue(q, value, "name at least one category or wildcard") }
            case "valid_from": a.validFrom = reader.date(value, q) ?? .distantFuture
            case "valid_until": a.validUntil = reader.date(value, q) ?? .distantPast
            case "document_digest": a.documentDigest = reader.string(value, q)
            default: break
            }
        }
        return a
    }

    mutating func patterns(_ node: Node, _ path: Pointer) -> [CategoryPattern] {
        let list = reader.strings(node, path) ?? []
        var out: [CategoryPattern] = []
        for (i, s) in list.enumerated() {
            let pattern = CategoryPattern(s)
            if pattern.isWellFormed {
                out.append(pattern)
            } else {
                reader.issue(path.appending(i), node, "expected a category, a wildcard such as health.*, or *")
            }
        }
        return out
    }

    mutating func subject(_ id: String, _ node: Node, _ path: Pointer) -> Subject? {
        guard let fields = reader.mapping(node, path) else { return nil }
        reader.rejectUnknown(fields, allowed: ["tags", "restrictions"], path)
        var subject = Subject(id: id)
        for (key, value) in fields {
            let q = path.appending(key)
            if key == "tags" { subject.tags = Set(reader.strings(value, q) ?? []) }
            if key == "restrictions" {
                for (i, r) in (reader.sequence(value, q) ?? []).enumerated() {
                    let rp = q.appending(i)
                    guard let rf = reader.mapping(r, rp) else { continue }
                    reader.rejectUnknown(rf, allowed: ["provider", "purpose", "category"], rp)
                    var restriction = Restriction()
                    for (k, v) in rf {
                        let s = reader.string(v, rp.appending(k))
                        if k == "provider" { restriction.provider = s }
                        if k == "purpose" { restriction.purpose = s }
                        if k == "category" { restriction.category = s.map(CategoryPattern.init) }
                    }
                    if restriction.isEmpty {
                        reader.issue(rp, r, "a restriction names a provider, a purpose or a category")
                    } else {
                        subject.restrictions.append(restriction)
                    }
                }
            }
        }
        return subject
    }

    mutating func consent(_ node: Node, _ path: Pointer, index: Int) -> Consent? {
        guard let fields = reader.mapping(node, path) else { return nil }
        reader.rejectUnknown(
            fields,
            allowed: [
                "id", "subject", "provider", "purposes", "categories", "granted_at", "expires_at", "withdrawn_at",
                "acknowledges_conflict",
            ], path)
        reader.requireKeys(fields, ["subject", "provider", "purposes", "categories", "granted_at", "expires_at"], path, node)
        var c = Consent(
            id: "fixture-\(index)", subject: "", provider: "", purposes: [], categories: [], grantedAt: .distantFuture,
            expiresAt: .distantPast)
        for (key, value) in fields {
            let q = path.appending(key)
            switch key {
            case "id": c.id = reader.string(value, q) ?? c.id
            case "subject": c.subject = reader.string(value, q) ?? ""
            case "provider": c.provider = reader.string(value, q) ?? ""
            case "purposes": c.purposes = Set(reader.strings(value, q) ?? [])
            case "categories": c.categories = patterns(value, q)
            case "granted_at": c.grantedAt = reader.date(value, q) ?? .distantFuture
            case "expires_at": c.expiresAt = reader.date(value, q) ?? .distantPast
            case "withdrawn_at": c.withdrawnAt = reader.date(value, q)
            case "acknowledges_conflict": c.acknowledgesConflict = reader.bool(value, q) ?? false
            default: break
            }
        }
        return c
    }
}
