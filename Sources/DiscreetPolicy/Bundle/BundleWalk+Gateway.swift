import Foundation
import Yams

extension BundleWalk {
    static let routeKeys: Set<String> = [
        "direction", "provider", "purpose", "record-type", "match", "subject", "record", "upstream",
    ]

    /// `gateway: { routes: { ID: {...} } }`: each route's names checked against the bundle, its
    /// match, pointers and upstream checked for form, and two routes of one provider and direction
    /// that could match the same request refused.
    mutating func gateway(_ node: Node, _ path: Pointer, purposes: Set<String>, records: Set<String>) -> [String:
        GatewayRoute]
    {
        guard let top = reader.mapping(node, path, what: "a mapping with routes") else { return [:] }
        reader.rejectUnknown(top, allowed: ["routes"], path)
        reader.requireKeys(top, ["routes"], path, node)
        guard let routesNode = top.first(where: { $0.key == "routes" })?.node,
            let entries = reader.mapping(routesNode, path.appending("routes"), what: "a mapping of route ids to routes")
        else { return [:] }
        var out: [String: GatewayRoute] = [:]
        var order: [(String, Node)] = []
        for (id, body) in entries {
            let p = path.appending("routes").appending(id)
            if id.isEmpty || !id.utf8.allSatisfy({ PathTemplate.isUnreserved($0) && $0 != UInt8(ascii: "~") }) {
                reader.issue(p, body, "a route id is letters, digits, '-', '_' and '.' (it is a segment of /gateway/{route})")
                continue
            }
            if let route = self.route(id, body, p, purposes: purposes, records: records) {
                for (other, _) in order {
                    guard let o = out[other], o.provider == route.provider, o.direction == route.direction,
                        o.method == route.method, o.path.overlaps(route.path)
                    else { continue }
                    reader.issue(
                        p.appending("match"), body,
                        "overlaps route '\(other)': both send \(route.method) \(route.path) to provider '\(route.provider)'")
                }
                out[id] = route
                order.append((id, body))
            }
        }
        return out
    }

    mutating func route(_ id: String, _ body: Node, _ p: Pointer, purposes: Set<String>, records: Set<String>)
        -> GatewayRoute?
    {
        guard let fields = reader.mapping(body, p, what: "a route") else { return nil }
        reader.rejectUnknown(fields, allowed: BundleWalk.routeKeys, p)
        reader.requireKeys(fields, ["provider", "purpose", "record-type", "match", "subject", "record", "upstream"], p, body)
        func field(_ name: String) -> Node? { fields.first { $0.key == name }?.node }
        var ok = true
        var direction = GatewayRoute.Direction.egress
        if let d = field("direction") {
            let text = reader.string(d, p.appending("direction")) ?? ""
            if let parsed = GatewayRoute.Direction(rawValue: text) {
                direction = parsed
            } else {
                reader.issue(p.appending("direction"), d, "expected egress or pull")
                ok = false
            }
        }
        let provider = field("provider").flatMap { reader.string($0, p.appending("provider"), what: "a provider id") }
        let purpose = field("purpose").flatMap { reader.string($0, p.appending("purpose"), what: "a purpose") }
        if let purpose, !purposes.contains(purpose) {
            reader.issue(p.appending("purpose"), field("purpose"), "unknown purpose '\(purpose)'")
            ok = false
        }
        let recordType = field("record-type").flatMap { reader.string($0, p.appending("record-type"), what: "a record type") }
        if let recordType, !records.contains(recordType) {
            reader.issue(p.appending("record-type"), field("record-type"), "unknown record type '\(recordType)'")
            ok = false
        }
        let match = field("match").flatMap { self.match($0, p.appending("match"), direction: direction) }
        let record = field("record").flatMap { self.recordLocation($0, p.appending("record")) }
        let subject = field("subject").flatMap {
            self.subject($0, p.appending("subject"), template: match?.1, record: record)
        }
        let naming = field("subject").flatMap { subjectNaming($0, p.appending("subject")) }
        let upstream = field("upstream").flatMap { self.upstream($0, p.appending("upstream")) }
        guard ok, let provider, let purpose, let recordType, let match, let subject, let record, let upstream else {
            return nil
        }
        var route = GatewayRoute(
            id: id, direction: direction, provider: provider, purpose: purpose, recordType: recordType, method: match.0,
            path: match.1, subject: subject, record: record, upstream: upstream.url, auth: upstream.auth,
            timeoutSeconds: upstream.timeout)
        route.subjectNaming = naming ?? .id
        return route
    }

    /// The subject's `as: id | token` (id when not said); nil with an issue when it is neither.
    mutating func subjectNaming(_ node: Node, _ p: Pointer) -> GatewayRoute.SubjectNaming? {
        guard let value = node.mapping?.first(where: { $0.key.string == "as" })?.value else { return nil }
        let q = p.appending("as")
        guard let text = reader.string(value, q) else { return nil }
        guard let naming = GatewayRoute.SubjectNaming(rawValue: text) else {
            reader.issue(
                q, value, "expected id (the provider knows the subject's id) or token (only its own token for the subject)")
            return nil
        }
        return naming
    }

    /// `{ method: POST, path: /v1/accounts/{account} }`: egress routes send POST, PUT or PATCH,
    /// pull routes GET.
    mutating func match(_ node: Node, _ p: Pointer, direction: GatewayRoute.Direction) -> (String, PathTemplate)? {
        guard let fields = reader.mapping(node, p, what: "{ method, path }") else { return nil }
        reader.rejectUnknown(fields, allowed: ["method", "path"], p)
        reader.requireKeys(fields, ["method", "path"], p, node)
        let allowed = direction == .egress ? ["POST", "PUT", "PATCH"] : ["GET"]
        var method: String?
        if let m = fields.first(where: { $0.key == "method" })?.node, let text = reader.string(m, p.appending("method")) {
            if allowed.contains(text.uppercased()) {
                method = text.uppercased()
            } else {
                reader.issue(p.appending("method"), m, "a \(direction.rawValue) route takes \(allowed.joined(separator: ", "))")
            }
        }
        var template: PathTemplate?
        if let t = fields.first(where: { $0.key == "path" })?.node, let text = reader.string(t, p.appending("path")) {
            template = PathTemplate(text)
            if template == nil {
                reader.issue(
                    p.appending("path"), t,
                    "a path template is /-separated segments of letters, digits, '-', '.', '_', '~', or {name} (no regular expressions)"
                )
            }
        }
        guard let method, let template else { return nil }
        return (method, template)
    }

    /// `{ pointer: /patient/id }`, `{ pointer: /items/*/subject }` (each record's own),
    /// `{ path-parameter: account }` or `{ header: X-Subject }`.
    mutating func subject(_ node: Node, _ p: Pointer, template: PathTemplate?, record: GatewayRoute.RecordLocation?)
        -> GatewayRoute.SubjectSource?
    {
        guard let fields = reader.mapping(node, p, what: "one of { pointer }, { path-parameter } or { header }") else {
            return nil
        }
        reader.rejectUnknown(fields, allowed: ["pointer", "path-parameter", "header", "as"], p)
        let sources = fields.filter { $0.key != "as" }
        guard sources.count == 1, let (kind, value) = sources.first else {
            reader.issue(p, node, "name exactly one of pointer, path-parameter or header")
            return nil
        }
        let q = p.appending(kind)
        guard let text = reader.string(value, q) else { return nil }
        switch kind {
        case "pointer":
            guard let pointer = JSONPointer(text), !pointer.tokens.isEmpty else {
                reader.issue(q, value, "expected a JSON pointer to the subject's id (/patient/id)")
                return nil
            }
            return subjectPointer(pointer, value, q, record: record)
        case "path-parameter":
            guard let template, template.parameters.contains(text) else {
                reader.issue(q, value, "the match's path has no parameter {\(text)}")
                return nil
            }
            return .pathParameter(text)
        case "header":
            guard text.utf8.allSatisfy({ PathTemplate.isNameByte($0) || $0 == UInt8(ascii: "-") }) else {
                reader.issue(q, value, "expected a header name (X-Subject-Id)")
                return nil
            }
            return .header(text)
        default:
            return nil
        }
    }

    /// A subject pointer that means one subject per decision, or nil with the issue named: on a
    /// route whose records are `/items/*`, either `/items/*/…` (each record's own subject, the `*`
    /// bound to the record's index) or a pointer outside the array (one subject for the request).
    /// Refused: a pointer into one element (`/items/0/…`: every record would be decided under that
    /// one's subject), the array itself or a container of it, and a `*` anywhere but the records'
    /// array step (read literally, it would never bind).
    mutating func subjectPointer(_ pointer: JSONPointer, _ node: Node, _ p: Pointer, record: GatewayRoute.RecordLocation?)
        -> GatewayRoute.SubjectSource?
    {
        let tokens = pointer.tokens
        let stars = tokens.indices.filter { tokens[$0] == "*" }
        guard case .each(let array) = record else {
            if stars.isEmpty { return .pointer(pointer) }
            if case .at(let at) = record {
                reader.issue(
                    p, node,
                    "the route's record is the one at '\(at)', so its subject is one value for the request and its pointer "
                        + "has no '*'; for an array of records write record: { pointer: /items/* } and subject: "
                        + "{ pointer: /items/*/subject }")
            }
            return nil
        }
        let n = array.tokens.count
        let arrayText = array.description
        if tokens.count > n && Array(tokens[..<n]) == array.tokens {
            guard tokens[n] == "*" else {
                reader.issue(
                    p, node,
                    "points into one element of the records' array \(arrayText): every record would be decided under "
                        + "that element's subject; write \(arrayText)/*/… to read each record's own subject, or point "
                        + "outside the array for one subject for the whole request")
                return nil
            }
            guard stars == [n] else {
                reader.issue(p, node, "'*' stands only for the records' array step (\(arrayText)/*); no other token may be '*'")
                return nil
            }
            guard tokens.count > n + 1 else {
                reader.issue(
                    p, node,
                    "each record is an object: point to its subject's member inside it (\(arrayText)/*/subject)")
                return nil
            }
            return .eachRecord(JSONPointer(tokens: Array(tokens[(n + 1)...])))
        }
        if tokens.count <= n && Array(array.tokens[..<tokens.count]) == tokens {
            reader.issue(p, node, "designates the records' array \(arrayText) or a container of it, not a subject's id")
            return nil
        }
        guard stars.isEmpty else {
            reader.issue(
                p, node,
                "a '*' in the subject pointer must be the step of the records' array: write \(arrayText)/*/… for each "
                    + "record's own subject")
            return nil
        }
        return .pointer(pointer)
    }

    /// `{ pointer: /patient }`, or `{ pointer: /items/* }` for an array whose elements are records.
    mutating func recordLocation(_ node: Node, _ p: Pointer) -> GatewayRoute.RecordLocation? {
        guard let fields = reader.mapping(node, p, what: "{ pointer }") else { return nil }
        reader.rejectUnknown(fields, allowed: ["pointer"], p)
        reader.requireKeys(fields, ["pointer"], p, node)
        guard let value = fields.first?.node, let text = reader.string(value, p.appending("pointer"), allowEmpty: true) else {
            return nil
        }
        let each = text.hasSuffix("/*")
        guard let pointer = JSONPointer(each ? String(text.dropLast(2)) : text), !pointer.tokens.contains("*") else {
            reader.issue(
                p.appending("pointer"), value,
                "expected a JSON pointer to the record (/patient, or empty for the whole body), or to an array of records followed by /* (/items/*)"
            )
            return nil
        }
        return each ? .each(pointer) : .at(pointer)
    }

    /// `{ url: https://…, auth: { bearer: NAME } | { basic: NAME } | { header: X-Key, secret: NAME }, timeout: 10 }`.
    mutating func upstream(_ node: Node, _ p: Pointer) -> (url: String, auth: GatewayRoute.UpstreamAuth, timeout: Double)? {
        guard let fields = reader.mapping(node, p, what: "{ url, auth, timeout }") else { return nil }
        reader.rejectUnknown(fields, allowed: ["url", "auth", "timeout"], p)
        reader.requireKeys(fields, ["url"], p, node)
        func field(_ name: String) -> Node? { fields.first { $0.key == name }?.node }
        var url: String?
        if let u = field("url"), let text = reader.string(u, p.appending("url")) {
            if let parts = URLComponents(string: text), ["http", "https"].contains(parts.scheme ?? ""),
                !(parts.host ?? "").isEmpty, parts.query == nil, parts.fragment == nil, parts.user == nil,
                parts.password == nil
            {
                url = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                reader.issue(
                    p.appending("url"), u,
                    "expected an http or https base URL with a host, no query, fragment or credentials (name a secret in auth)")
            }
        }
        var auth = GatewayRoute.UpstreamAuth.none
        if let a = field("auth") {
            guard let parsed = self.upstreamAuth(a, p.appending("auth")) else { return nil }
            auth = parsed
        }
        var timeout = 10.0
        if let t = field("timeout") {
            let what = "seconds, more than 0 and at most 300"
            guard let seconds = reader.number(t, p.appending("timeout"), what: what) else { return nil }
            guard seconds > 0, seconds <= 300 else {
                reader.issue(p.appending("timeout"), t, "expected \(what)")
                return nil
            }
            timeout = seconds
        }
        guard let url else { return nil }
        return (url, auth, timeout)
    }

    mutating func upstreamAuth(_ node: Node, _ p: Pointer) -> GatewayRoute.UpstreamAuth? {
        let expected = "{ bearer: NAME }, { basic: NAME } or { header: HEADER, secret: NAME }: a secret's name, never the secret"
        guard let fields = reader.mapping(node, p, what: expected) else { return nil }
        reader.rejectUnknown(fields, allowed: ["bearer", "basic", "header", "secret"], p)
        func name(_ key: String) -> String? {
            guard let n = fields.first(where: { $0.key == key })?.node else { return nil }
            guard let text = reader.string(n, p.appending(key)), Self.isSecretName(text) else {
                reader.issue(p.appending(key), n, "a secret's name is lowercase letters, digits, '-' and '_'")
                return nil
            }
            return text
        }
        let keys = Set(fields.map(\.key))
        switch keys {
        case ["bearer"]: return name("bearer").map { .bearer(secret: $0) }
        case ["basic"]: return name("basic").map { .basic(secret: $0) }
        case ["header", "secret"]:
            guard let h = fields.first(where: { $0.key == "header" })?.node, let header = reader.string(h, p.appending("header")),
                header.utf8.allSatisfy({ PathTemplate.isNameByte($0) || $0 == UInt8(ascii: "-") }),
                !["authorization", "cookie", "host"].contains(header.lowercased())
            else {
                reader.issue(p.appending("header"), node, "expected a header name other than Authorization, Cookie or Host")
                return nil
            }
            return name("secret").map { .header(name: header, secret: $0) }
        default:
            reader.issue(p, node, "expected \(expected)")
            return nil
        }
    }

    static func isSecretName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
    }
}
