import DiscreetJSON
import DiscreetPolicy

/// Decisions written straight to bytes, in the two shapes they take: as answered (the API's
/// member order) and as recorded in the ledger (sorted keys). Both equal `FieldDecision.json`
/// written by `JSONWriter`; a test holds them to it.
extension JSONWriter {
    mutating func write(_ d: FieldDecision, receipt: String?) {
        raw("{\"field\":")
        writeString(d.field)
        raw(",\"category\":")
        writeStringOrNull(d.category)
        raw(",\"outcome\":")
        writeString(d.outcome.rawValue)
        raw(",\"reason\":")
        writeString(d.reason.rawValue)
        raw(",\"basis\":")
        writeStringOrNull(d.basis)
        raw(",\"transform\":")
        writeStringOrNull(d.transform)
        if let scrubbed = d.scrubbed { writeScrubbed(scrubbed) }
        if let token = d.token {
            raw(",\"token\":")
            writeString(token)
        }
        if let receipt {
            raw(",\"consent_receipt\":")
            writeString(receipt)
        }
        raw("}")
    }

    /// `,"scrubbed":{"PHONE":2,"identity.name":1}`: counts are sorted by label already, which is
    /// also the canonical order.
    mutating func writeScrubbed(_ counts: [ScrubCount]) {
        raw(",\"scrubbed\":{")
        for (i, c) in counts.enumerated() {
            if i > 0 { raw(",") }
            writeString(c.label)
            raw(":")
            bytes.append(contentsOf: String(c.count).utf8)
        }
        raw("}")
    }

    mutating func writeCanonical(_ d: FieldDecision, receipt: String?) {
        raw("{\"basis\":")
        writeStringOrNull(d.basis)
        raw(",\"category\":")
        writeStringOrNull(d.category)
        if let receipt {
            raw(",\"consent_receipt\":")
            writeString(receipt)
        }
        raw(",\"field\":")
        writeString(d.field)
        raw(",\"outcome\":")
        writeString(d.outcome.rawValue)
        raw(",\"reason\":")
        writeString(d.reason.rawValue)
        if let scrubbed = d.scrubbed { writeScrubbed(scrubbed) }
        if let token = d.token {
            raw(",\"token\":")
            writeString(token)
        }
        raw(",\"transform\":")
        writeStringOrNull(d.transform)
        raw("}")
    }

    /// `"decisions":[…],"notices":[…]`, the members both decision answers share.
    /// `"decisions":[…],"notices":[…]`, and `"citations":{basis: citation}` for each basis a
    /// decision rests on that the bundle cites, when there is one.
    mutating func writeDecisions(
        _ decisions: [FieldDecision], notices: [String], receipts: [String: String], citations: [String: String]
    ) {
        raw("\"decisions\":[")
        var cited: [String] = []
        for (i, d) in decisions.enumerated() {
            if i > 0 { raw(",") }
            write(d, receipt: d.consentReceipt(in: receipts))
            if !citations.isEmpty, let b = d.basis, citations[b] != nil, !cited.contains(b) { cited.append(b) }
        }
        raw("],\"notices\":[")
        for (i, n) in notices.enumerated() {
            if i > 0 { raw(",") }
            writeString(n)
        }
        raw("]")
        guard !cited.isEmpty else { return }
        raw(",\"citations\":{")
        for (i, b) in cited.sorted().enumerated() {
            if i > 0 { raw(",") }
            writeString(b)
            raw(":")
            writeString(citations[b]!)
        }
        raw("}")
    }
}
