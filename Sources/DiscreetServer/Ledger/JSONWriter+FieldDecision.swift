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
        if let receipt {
            raw(",\"consent_receipt\":")
            writeString(receipt)
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
        raw(",\"transform\":")
        writeStringOrNull(d.transform)
        raw("}")
    }

    /// `"decisions":[…],"notices":[…]`, the members both decision answers share.
    mutating func writeDecisions(_ decisions: [FieldDecision], notices: [String], receipts: [String: String]) {
        raw("\"decisions\":[")
        for (i, d) in decisions.enumerated() {
            if i > 0 { raw(",") }
            write(d, receipt: d.consentReceipt(in: receipts))
        }
        raw("],\"notices\":[")
        for (i, n) in notices.enumerated() {
            if i > 0 { raw(",") }
            writeString(n)
        }
        raw("]")
    }
}
