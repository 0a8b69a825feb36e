import Crypto
import DiscreetJSON

extension GatewayRoute {
    /// The route's definition as canonical JSON: what the ledger's `route_digest` is the hash of.
    /// The credential is named, never held, so the definition holds no secret.
    public var definition: JSONValue {
        var auth: JSONObject
        switch self.auth {
        case .none: auth = JSONObject([("kind", "none")])
        case .bearer(let s): auth = JSONObject([("kind", "bearer"), ("secret", .string(s))])
        case .basic(let s): auth = JSONObject([("kind", "basic"), ("secret", .string(s))])
        case .header(let name, let s): auth = JSONObject([("kind", "header"), ("header", .string(name)), ("secret", .string(s))])
        }
        var subject: JSONObject =
            switch self.subject {
            case .pointer(let p): JSONObject([("pointer", .string(p.description))])
            case .pathParameter(let n): JSONObject([("path-parameter", .string(n))])
            case .header(let h): JSONObject([("header", .string(h))])
            case .eachRecord(let p): JSONObject([("pointer", .string(subjectPointerText(p)))])
            }
        // Said only when not the default, so that the digests of routes written before it stand.
        if subjectNaming != .id { subject["as"] = .string(subjectNaming.rawValue) }
        let record: String =
            switch self.record {
            case .at(let p): p.description
            case .each(let p): p.description + "/*"
            }
        return .object(
            JSONObject([
                ("id", .string(id)), ("direction", .string(direction.rawValue)), ("provider", .string(provider)),
                ("purpose", .string(purpose)), ("record-type", .string(recordType)),
                ("match", .object(JSONObject([("method", .string(method)), ("path", .string(path.description))]))),
                ("subject", .object(subject)), ("record", .object(JSONObject([("pointer", .string(record))]))),
                (
                    "upstream",
                    .object(
                        JSONObject([
                            ("url", .string(upstream)), ("auth", .object(auth)),
                            ("timeout", .number(String(timeoutSeconds))),
                        ]))
                ),
            ]))
    }

    /// A per-record subject pointer as the bundle writes it: the records' array, `*`, then the
    /// pointer inside each record (`/items/*/subject`).
    public func subjectPointerText(_ inRecord: JSONPointer) -> String {
        let records: JSONPointer =
            switch record {
            case .at(let p), .each(let p): p
            }
        return records.description + "/*" + inRecord.description
    }

    /// SHA-256 of the canonical definition, hex: the ledger names the route by id and by this, so
    /// an entry proves which definition its body was forwarded under.
    public var definitionDigest: String {
        ByteText.hex(SHA256.hash(data: JSONWriter.encode(definition, sortedKeys: true)))
    }
}
