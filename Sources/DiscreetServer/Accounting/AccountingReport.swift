import DiscreetPolicy
import Foundation

/// The accounting rendered for people: CSV for spreadsheets, HTML to print and hand over.
enum AccountingReport {
    static let csvHeader = "ledger_index,time,recipient,purpose,released_categories,withheld_categories,basis,leaf_hash,refused"

    static func csv(_ rows: [AccountingRow]) -> String {
        var out = csvHeader + "\r\n"
        for r in rows {
            let fields = [
                String(r.index), RFC3339.format(r.time), r.recipient, r.purpose, r.released.joined(separator: ";"),
                r.withheld.joined(separator: ";"), r.bases.joined(separator: ";"), r.leafHash, r.refused ?? "",
            ]
            out += fields.map(csvField).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// RFC 4180 quoting; a cell a spreadsheet would read as a formula is prefixed with `'`.
    static func csvField(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func html(
        subject: String, rows: [AccountingRow], scope: AccountingQuery.Scope, from: Date?, until: Date?, generatedAt: Date,
        checkpoint: String?
    ) -> String {
        let period =
            switch (from, until) {
            case (nil, nil): "all disclosures on record"
            case (let f?, nil): "from \(RFC3339.format(f))"
            case (nil, let u?): "before \(RFC3339.format(u))"
            case (let f?, let u?): "from \(RFC3339.format(f)) to before \(RFC3339.format(u))"
            }
        let scopeText =
            scope == .all
            ? "every recipient (GDPR article 15)"
            : "disclosures HIPAA requires an accounting of (45 CFR 164.528): treatment, payment and operations left out"
        var body = ""
        if rows.isEmpty {
            body = "<tr><td colspan=\"7\" class=\"none\">No disclosure is on record for this period.</td></tr>\n"
        }
        for r in rows {
            let released =
                r.refused != nil
                ? "nothing (request refused)" : (r.released.isEmpty ? "nothing" : r.released.joined(separator: ", "))
            body += """
                <tr><td>\(escape(RFC3339.format(r.time)))</td><td>\(escape(r.recipient))</td><td>\(escape(r.purpose))</td>\
                <td>\(escape(released))</td><td>\(escape(r.withheld.joined(separator: ", ")))</td>\
                <td>\(escape(r.bases.joined(separator: ", ")))</td><td class="num">\(r.index)</td></tr>

                """
        }
        let proof =
            checkpoint.map {
                """
                <h2>Proof</h2>
                <p>Each line above is an entry of a tamper-evident ledger (an RFC 6962 Merkle tree). The signed checkpoint below
                covers all of them: anyone can check that an entry is included with its ledger number and an inclusion proof,
                and check the signature with the key the professional publishes.</p>
                <pre>\(escape($0))</pre>
                """
            } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Accounting of disclosures</title>
            <style>
            body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; }
            th { background: #eee; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.none { text-align: center; font-style: italic; }
            pre { white-space: pre-wrap; word-break: break-all; font-size: 9pt; background: #f6f6f6; padding: 6px; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            <h1>Accounting of disclosures</h1>
            <p>Person: <strong>\(escape(subject))</strong><br>
            Period: \(escape(period))<br>
            Scope: \(escape(scopeText))<br>
            Prepared: \(escape(RFC3339.format(generatedAt)))</p>
            <table>
            <thead><tr><th>Date</th><th>Recipient</th><th>Purpose</th><th>Released</th><th>Withheld</th><th>Basis</th><th>Ledger no.</th></tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            \(proof)
            </body>
            </html>

            """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
