import DiscreetJSON
import Yams

extension BundleWalk {
    mutating func tests(_ node: Node, _ path: Pointer, bundle: PolicyBundle) -> [BundleTestCase] {
        var out: [BundleTestCase] = []
        for (i, body) in (reader.sequence(node, path) ?? []).enumerated() {
            let p = path.appending(i)
            guard let fields = reader.mapping(body, p) else { continue }
            reader.rejectUnknown(
                fields,
                allowed: ["name", "at", "request", "gateway", "forwarded", "expect", "released", "notices", "accountable"], p)
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.node }
            if field("gateway") != nil {
                if let c = gatewayCase(fields, body, p, bundle: bundle) { out.append(c) }
                continue
            }
            reader.requireKeys(fields, ["name", "request", "expect"], p, body)
            if let f = field("forwarded") { reader.issue(p.appending("forwarded"), f, "'forwarded' goes with 'gateway'") }
            let notices = field("notices").map {
                reader.strings($0, p.appending("notices"), what: "the notices expected with the release, a list") ?? []
            }
            let accountable = field("accountable").flatMap { reader.bool($0, p.appending("accountable")) }
            var released: JSONObject?
            if let r = field("released") {
                if case .object(let o)? = reader.json(r, p.appending("released")) {
                    released = o
                } else {
                    reader.issue(p.appending("released"), r, "expected the record expected to leave, a mapping")
                }
            }
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
                    recordTags: tags, exception: exception, expect: expect.map { (field: $0.0, expectation: $0.1) },
                    released: released, notices: notices, accountable: accountable))
        }
        return out
    }

    /// `{ name, at, gateway: { route, path, headers, body }, forwarded, expect }`: a sample request
    /// on a route, the exact body expected to leave, and, if wished, decisions by field.
    mutating func gatewayCase(_ fields: [(key: String, node: Node)], _ body: Node, _ p: Pointer, bundle: PolicyBundle)
        -> BundleTestCase?
    {
        func field(_ k: String) -> Node? { fields.first { $0.key == k }?.node }
        reader.requireKeys(fields, ["name", "gateway"], p, body)
        if field("request") != nil { reader.issue(p.appending("request"), body, "a test has either 'request' or 'gateway'") }
        if let r = field("released") {
            reader.issue(p.appending("released"), r, "'released' goes with 'request'; a gateway test expects 'forwarded'")
        }
        if field("forwarded") == nil && field("expect") == nil {
            reader.issue(p, body, "a gateway test expects 'forwarded' (the exact body that leaves), 'expect', or both")
        }
        guard let name = field("name").flatMap({ reader.string($0, p.appending("name")) }), let gNode = field("gateway")
        else { return nil }
        let gp = p.appending("gateway")
        guard let g = reader.mapping(gNode, gp) else { return nil }
        reader.rejectUnknown(g, allowed: ["route", "path", "headers", "body"], gp)
        reader.requireKeys(g, ["route", "body"], gp, gNode)
        func member(_ k: String) -> Node? { g.first { $0.key == k }?.node }
        guard let route = member("route").flatMap({ reader.string($0, gp.appending("route")) }),
            let bodyNode = member("body"), let json = reader.json(bodyNode, gp.appending("body"))
        else { return nil }
        if bundle.gateway[route] == nil {
            reader.issue(gp.appending("route"), member("route"), "unknown gateway route '\(route)'")
            return nil
        }
        var headers: [String: String] = [:]
        if let h = member("headers") {
            for (k, v) in reader.mapping(h, gp.appending("headers")) ?? [] {
                headers[k] = reader.string(v, gp.appending("headers").appending(k), allowEmpty: true)
            }
        }
        let path = member("path").flatMap { reader.string($0, gp.appending("path")) }
        let forwarded = field("forwarded").flatMap { reader.json($0, p.appending("forwarded")) }
        var expect: [(String, BundleTestCase.Expectation)] = []
        if let e = field("expect") {
            for (fieldPath, v) in reader.mapping(e, p.appending("expect")) ?? [] {
                if let x = expectation(v, p.appending("expect").appending(fieldPath)) { expect.append((fieldPath, x)) }
            }
        }
        let r = bundle.gateway[route]!
        return BundleTestCase(
            name: name, at: field("at").flatMap { reader.date($0, p.appending("at")) }, provider: r.provider,
            purpose: r.purpose, subject: "", recordType: r.recordType, record: JSONObject(),
            expect: expect.map { (field: $0.0, expectation: $0.1) },
            gateway: .init(route: route, path: path, headers: headers, body: json, forwarded: forwarded))
    }

    mutating func expectation(_ node: Node, _ path: Pointer) -> BundleTestCase.Expectation? {
        let help = "expected an outcome (released, transformed, withheld), a reason code, or {outcome, reason, basis}"
        if let s = node.scalar?.string {
            if let o = Outcome(rawValue: s) { return .init(outcome: o, reason: nil) }
            if let r = ReasonCode(rawValue: s) { return .init(outcome: nil, reason: r) }
            reader.issue(path, node, help)
            return nil
        }
        guard let fields = reader.mapping(node, path, what: help) else { return nil }
        reader.rejectUnknown(fields, allowed: ["outcome", "reason", "basis"], path)
        var e = BundleTestCase.Expectation(outcome: nil, reason: nil)
        for (k, v) in fields {
            let s = reader.string(v, path.appending(k)) ?? ""
            if k == "basis" { e.basis = s }
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
