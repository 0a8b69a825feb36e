import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation

/// The ledger entry of one disclosure request (DESIGN §6), as canonical JSON: sorted keys, no
/// whitespace, so its bytes, and so its leaf hash, are reproducible.
///
/// Values never rest: it names each field's path, category, outcome, reason, basis and transform,
/// but holds no field value; the released payload is represented only by its HMAC.
struct DisclosureEntry {
    var id: String
    var time: Date
    var providerID: String
    var purpose: String
    var subjectID: String
    var recordType: String
    var policy: StoredPolicyRef
    var keyID: String
    var decisions: [FieldDecision]
    /// Consent id to its grant receipt's id, for decisions based on a consent.
    var receipts: [String: String] = [:]
    var exception: ExceptionInvocation?
    var payloadHMAC: String?
    /// Set when the whole request was refused (a suspended provider).
    var refused: String?
    /// For a disclosure through the gateway: the route's id and the digest of its definition.
    var gateway: GatewayRef?
    /// On a route whose provider knows subjects by token: the subject's token that left in place
    /// of its id. Recorded, since it is not derived from the id, so that a trace can stand on it.
    var subjectToken: String?
    /// What the leak-tracing index keeps of this disclosure, by each field's path in its record:
    /// its tokens (which the entry's decisions name too) and its pseudonyms, which are indexed
    /// beside the entry and never written into it (a pseudonym is derived from a value, and
    /// entries are never deleted).
    var references: [ReleasedReference] = []

    mutating func index(tokens: [FieldReference], pseudonyms: [FieldReference]) {
        references =
            tokens.map { ReleasedReference(kind: .token, field: $0.field, value: $0.value) }
            + pseudonyms.map { ReleasedReference(kind: .pseudonym, field: $0.field, value: $0.value) }
        if let subjectToken {
            references.append(ReleasedReference(kind: .token, field: GatewayRoute.subjectTokenField, value: subjectToken))
        }
    }

    struct GatewayRef {
        var route: String
        var digest: String

        var json: JSONValue { .object(JSONObject([("route", .string(route)), ("route_digest", .string(digest))])) }
    }

    struct StoredPolicyRef {
        var revision: Int
        var label: String
        var digest: String
    }

    var json: JSONValue {
        var o = JSONObject([
            ("v", 1), ("id", .string(id)), ("time", .string(RFC3339.format(time))), ("provider", .string(providerID)),
            ("purpose", .string(purpose)), ("subject", .string(subjectID)), ("record_type", .string(recordType)),
            (
                "policy",
                .object(
                    JSONObject([
                        ("revision", .number(String(policy.revision))), ("version", .string(policy.label)),
                        ("digest", .string(policy.digest)),
                    ]))
            ),
            ("key_id", .string(keyID)), ("fields", .array(decisions.map { $0.json(receipts: receipts) })),
        ])
        if let exception { o["exception"] = exception.json }
        if let payloadHMAC { o["payload_hmac"] = .string(payloadHMAC) }
        if let refused { o["refused"] = .string(refused) }
        if let gateway { o["gateway"] = gateway.json }
        if let subjectToken { o["subject_token"] = .string(subjectToken) }
        return .object(o)
    }

    /// The bytes of `json` with sorted keys, written directly: this runs on every disclosure, and
    /// building the value first cost more than the rest of the entry. A test holds it equal to
    /// `JSONWriter.encode(json, sortedKeys: true)`.
    var canonicalBytes: [UInt8] {
        var w = JSONWriter(sortedKeys: true, reservingCapacity: 512 + 200 * decisions.count)
        w.raw("{")
        if let exception {
            w.raw("\"exception\":")
            w.write(exception.json)
            w.raw(",")
        }
        w.raw("\"fields\":[")
        for (i, d) in decisions.enumerated() {
            if i > 0 { w.raw(",") }
            w.writeCanonical(d, receipt: d.consentReceipt(in: receipts))
        }
        w.raw("]")
        if let gateway {
            w.raw(",\"gateway\":{\"route\":")
            w.writeString(gateway.route)
            w.raw(",\"route_digest\":")
            w.writeString(gateway.digest)
            w.raw("}")
        }
        w.raw(",\"id\":")
        w.writeString(id)
        w.raw(",\"key_id\":")
        w.writeString(keyID)
        if let payloadHMAC {
            w.raw(",\"payload_hmac\":")
            w.writeString(payloadHMAC)
        }
        w.raw(",\"policy\":{\"digest\":")
        w.writeString(policy.digest)
        w.raw(",\"revision\":")
        w.bytes.append(contentsOf: String(policy.revision).utf8)
        w.raw(",\"version\":")
        w.writeString(policy.label)
        w.raw("},\"provider\":")
        w.writeString(providerID)
        w.raw(",\"purpose\":")
        w.writeString(purpose)
        w.raw(",\"record_type\":")
        w.writeString(recordType)
        if let refused {
            w.raw(",\"refused\":")
            w.writeString(refused)
        }
        w.raw(",\"subject\":")
        w.writeString(subjectID)
        if let subjectToken {
            w.raw(",\"subject_token\":")
            w.writeString(subjectToken)
        }
        w.raw(",\"time\":")
        w.writeString(RFC3339.format(time))
        w.raw(",\"v\":1}")
        return w.bytes
    }
}

extension FieldDecision {
    /// The decision as answered and recorded; a decision based on a consent names that consent's
    /// receipt too (`consent_receipt`), so the person can match it to the receipt they hold.
    func json(receipts: [String: String]) -> JSONValue {
        var o = json.objectValue!
        if let receipt = consentReceipt(in: receipts) { o["consent_receipt"] = .string(receipt) }
        return .object(o)
    }

    /// The grant receipt of the consent this decision rests on, if it rests on one.
    func consentReceipt(in receipts: [String: String]) -> String? {
        guard !receipts.isEmpty, let basis, basis.hasPrefix("consent:") else { return nil }
        return receipts[String(basis.dropFirst(8))]
    }

    var json: JSONValue {
        var o = JSONObject([
            ("field", .string(field)), ("category", category.map(JSONValue.string) ?? .null),
            ("outcome", .string(outcome.rawValue)), ("reason", .string(reason.rawValue)),
            ("basis", basis.map(JSONValue.string) ?? .null),
        ])
        o["transform"] = transform.map(JSONValue.string) ?? .null
        if let scrubbed {
            o["scrubbed"] = .object(JSONObject(scrubbed.map { ($0.label, JSONValue.number(String($0.count))) }))
        }
        if let token { o["token"] = .string(token) }
        return .object(o)
    }
}

extension ExceptionInvocation {
    var json: JSONValue {
        var o = JSONObject([("basis", .string(basis)), ("justification", .string(justification)), ("facts", .string(facts))])
        if let authority { o["authority"] = .string(authority) }
        return .object(o)
    }
}
