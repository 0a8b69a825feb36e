import DiscreetJSON
import Yams

extension BundleWalk {
    mutating func tests(_ node: Node, _ path: Pointer, bundle: PolicyBundle) -> [BundleTestCase] {
        var out: [BundleTestCase] = []
        for (i, body) in (reader.sequence(node, path) ?? []).enumerated() {
            let p = path.appending(i)
            guard let fields = reader.mapping(body, p) else { continue }
            reader.rejectUnknown(fields, allowed: ["name", "at", "request", "expect"], p)
            reader.requireKeys(fields, ["name", "request", "expect"], p, body)
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.node }
            guard let name = field("name").flatMap({ reader.string($0, p.appending("name")) }),
                let requestNode = field("request"), let expectNode = field("expect")
            else { continue }
            let at = field("at").flatMap { reader.date($0, p.appending("at")) }
            let rp = p.appending("request")
            guard let request = reader.mapping(requestNode, rp) else { continue }
            reader.rejectUnknown(
                request, allowed: ["provider", "purpose", "subject", "record_type", "record", "tags", "exception"], rp)
            reader.requireKeys(request, ["provider", "purpose", "subject", "record_type", "record"], rp, requestNode)
            var strings: [String: String] = [:]
            var record = JSONObject()
            var tags: Set<String> = []
            var exception: ExceptionInvocation?
            for (k, v) in request {
                let q = rp.appending(k)
                switch k {
                case "record":
                    if case .object(let o)? = reader.json(v, q) { record = o } else { reader.issue(q, v, "expected a mapping") }
                case "tags": tags = Set(reader.strings(v, q) ?? [])
                case "exception":
                    guard let e = reader.mapping(v, q) else { break }
                    reader.rejectUnknown(e, allowed: ["basis", "justification", "facts", "authority"], q)
                    var parts: [String: String] = [:]
                    for (ek, ev) in e { parts[ek] = reader.string(ev, q.appending(ek)) }
                    if let basis = parts["basis"] {
                        if bundle.exceptions[basis] == nil {
                            reader.issue(q.appending("basis"), v, "unknown exception '\(basis)'")
                        }
                        exception = ExceptionInvocation(
                            basis: basis, justification: parts["justification"] ?? "", facts: parts["facts"] ?? "",
                            authority: parts["authority"])
                    } else {
                        reader.issue(q, v, "missing required key 'basis'")
                    }
                default: strings[k] = reader.string(v, q)
                }
            }
            if let purpose = strings["purpose"], bundle.purposes[purpose] == nil {
                reader.issue(rp.appending("purpose"), requestNode, "unknown purpose '\(purpose)'")
            }
            if let type = strings["record_type"], bundle.records[type] == nil {
                reader.issue(rp.appending("record_type"), requestNode, "unknown record type '\(type)'")
            }
            var expect: [(String, BundleTestCase.Expectation)] = []
            for (fieldPath, v) in reader.mapping(expectNode, p.appending("expect")) ?? [] {
                if let e = expectation(v, p.appending("expect").appending(fieldPath)) { expect.append((fieldPath, e)) }
            }
            out.append(
                BundleTestCase(
                    name: name, at: at, provider: strings["provider"] ?? "", purpose: strings["purpose"] ?? "",
                    subject: strings["subject"] ?? "", recordType: strings["record_type"] ?? "", record: record,
                    recordTags: tags, exception: exception, expect: expect.map { (field: $0.0, expectation: $0.1) }))
        }
        return out
    }

    mutating func expectation(_ node: Node, _ path: Pointer) -> BundleTestCase.Expectation? {
        let help = "expected an outcome (released, transformed, withheld), a reason code, or {outcome, reason}"
        if let s = node.scalar?.string {
            if let o = Outcome(rawValue: s) { return .init(outcome: o, reason: nil) }
            if let r = ReasonCode(rawValue: s) { return .init(outcome: nil, reason: r) }
            reader.issue(path, node, help)
            return nil
        }
        guard let fields = reader.mapping(node, path, what: help) else { return nil }
        reader.rejectUnknown(fields, allowed: ["outcome", "reason"], path)
        var e = BundleTestCase.Expectation(outcome: nil, reason: nil)
        for (k, v) in fields {
            let s = reader.string(v, path.appending(k)) ?? ""
            if k == "outcome" {
                e.outcome = Outcome(rawValue: s)
                if e.outcome == nil { reader.issue(path.appending(k), v, "expected released, transformed or withheld") }
            }
            if k == "reason" {
                e.reason = ReasonCode(rawValue: s)
                if e.reason == nil { reader.issue(path.appending(k), v, "unknown reason code") }
            }
        }
        return e
    }
}
