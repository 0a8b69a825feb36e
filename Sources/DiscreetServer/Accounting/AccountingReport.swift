import DiscreetJSON
import DiscreetLedger
import DiscreetPolicy
import DiscreetStore
import Foundation

/// The accounting rendered for people: CSV for spreadsheets, HTML to print and hand over.
enum AccountingReport {
    static let csvHeader =
        "ledger_index,time,recipient,purpose,released_categories,withheld_categories,basis,leaf_hash,refused,not_delivered,recall"

    static func csv(_ rows: [AccountingRow]) -> String {
        var out = csvHeader + "\r\n"
        for r in rows {
            let fields = [
                String(r.index), RFC3339.format(r.time), r.recipient, r.purpose, r.released.joined(separator: ";"),
                r.withheld.joined(separator: ";"), r.bases.joined(separator: ";"), r.leafHash, r.refused ?? "",
                r.notDelivered ?? "", r.recalls.map(\.text).joined(separator: "; "),
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

    /// The printable report a professional hands to the person: names in the person's words
    /// (the bundle's `labels`), dates as people write them, what form each kind of information
    /// left in, why the rest was kept back, what the scope leaves out and why, and how to check it.
    static func html(
        subject: String, rows: [AccountingRow], scope: AccountingQuery.Scope, from: Date?, until: Date?, generatedAt: Date,
        labels: Labels = Labels(), citations: [String: String] = [:], leftOut: [String: Int] = [:],
        receipts: ReceiptBundle? = nil
    ) -> String {
        let period =
            switch (from, until) {
            case (nil, nil): "every disclosure on record"
            case (let f?, nil): "from \(PersonWords.date(f))"
            case (nil, let u?): "before \(PersonWords.date(u))"
            case (let f?, let u?): "from \(PersonWords.date(f)) to before \(PersonWords.date(u))"
            }
        let scopeText =
            scope == .all
            ? "every recipient, whatever the purpose (GDPR article 15)"
            : "the disclosures HIPAA requires an accounting of (45 CFR 164.528)"
        var body = ""
        let columns = receipts == nil ? 6 : 7
        if rows.isEmpty {
            body =
                "<tr><td colspan=\"\(columns)\" class=\"none\">No disclosure is on record for this period and scope.</td></tr>\n"
        }
        for r in rows {
            let released: String
            if r.refused != nil {
                released = "<p>Nothing: the request was refused.</p>"
            } else if r.released.isEmpty {
                released = "<p>Nothing.</p>"
            } else {
                released = list(
                    r.released.map {
                        "\(labels.category($0)): \(PersonWords.form(r.forms[$0], removed: r.removed[$0] ?? [:], labels: labels))"
                    })
            }
            let attempt =
                r.notDelivered.map {
                    $0 == DeliveryRecord.Outcome.notReleased.rawValue
                        ? "<p><strong>Recorded, not released:</strong> \(escape(PersonWords.undelivered($0))) What is listed "
                            + "below did not leave.</p>"
                        : "<p><strong>Attempted, not delivered:</strong> \(escape(PersonWords.undelivered($0))) What is listed "
                            + "below was sent toward it and recorded first.</p>"
                } ?? ""
            let recalled = r.recalls.map { m in
                let what = m.categories.map { labels.category($0) }.joined(separator: ", ")
                let why =
                    switch m.cause {
                    case Recall.Cause.erasure.rawValue: "since your data is to be erased"
                    case Recall.Cause.consentExpired.rawValue: "since the consent it was given on expired"
                    default: "since the consent it was given on was withdrawn"
                    }
                return "<p><strong>Recalled</strong> on \(escape(PersonWords.date(m.openedAt))): the recipient was asked to "
                    + "return or delete \(escape(what)), \(why). "
                    + (m.acknowledgedAt.map { "The recipient confirmed on \(escape(PersonWords.date($0)))." }
                        ?? "The recipient has not confirmed yet.")
                    + " <span class=\"id\">\(escape(m.id))</span></p>"
            }.joined()
            let withheld =
                r.withheld.isEmpty
                ? "<p>Nothing.</p>"
                : list(r.withheld.map { "\(labels.category($0)): \(PersonWords.reason(r.reasons[$0]))" })
            let bases =
                r.bases.isEmpty
                ? "none needed: nothing left"
                : r.bases.map { b in PersonWords.basis(b) + (citations[b].map { " (\($0))" } ?? "") }
                    .joined(separator: "; ")
            body += """
                <tr><td class="when">\(escape(PersonWords.dateTime(r.time)))</td>\
                <td>\(escape(labels.provider(r.recipient)))<br><span class="id">\(escape(r.recipient))</span></td>\
                <td>\(escape(labels.purpose(r.purpose)))</td><td>\(attempt)\(released)\(recalled)</td><td>\(withheld)</td>\
                <td>\(escape(bases))<br><span class="id">ledger no. \(r.index)</span></td>\
                \(receipts == nil ? "" : "<td class=\"proof\" data-index=\"\(r.index)\">not checked</td>")</tr>

                """
        }
        var leftOutText = ""
        if scope == .hipaa && !leftOut.isEmpty {
            let total = leftOut.values.reduce(0, +)
            let each = leftOut.keys.sorted().map { "\(labels.purpose($0)) (\(leftOut[$0]!))" }.joined(separator: ", ")
            leftOutText = """
                <p class="note">This report leaves out \(total) disclosure\(total == 1 ? "" : "s") in this period made for \
                \(escape(each)): HIPAA does not require an accounting of disclosures for treatment, payment or health care \
                operations (45 CFR 164.528(a)(1)). Ask for the full accounting to see every recipient.</p>

                """
        }
        let proof = receipts.map(Self.receiptsSection) ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Accounting of disclosures</title>
            <style>
            body { font: 11pt/1.45 system-ui, sans-serif; margin: 2em; color: #111; max-width: 75em; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #999; padding: 5px 7px; text-align: left; vertical-align: top; }
            th { background: #eee; }
            td.when { white-space: nowrap; }
            td.none { text-align: center; font-style: italic; }
            td p, td ul { margin: 0; }
            td ul { padding-left: 1.1em; }
            .id { color: #666; font-size: 8.5pt; }
            .note { background: #fff8e1; border-left: 4px solid #e0b000; padding: 6px 10px; }
            pre { white-space: pre-wrap; word-break: break-all; font-size: 8.5pt; background: #f6f6f6; padding: 6px; }
            .checked { color: #11622b; } .failed { color: #a40000; font-weight: bold; } .warn { color: #7a5a00; }
            p.checked, p.failed, p.warn { border-left: 4px solid; padding: 6px 10px; background: #f7f7f7; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            <h1>Accounting of disclosures</h1>
            <p>About: <strong>\(escape(subject))</strong><br>
            Period: \(escape(period))<br>
            Recipients shown: \(escape(scopeText))<br>
            Prepared on \(escape(PersonWords.dateTime(generatedAt)))</p>
            \(receipts == nil ? "" : Self.proofStatus)\(leftOutText)<table>
            <thead><tr><th>When</th><th>To whom</th><th>Why</th><th>What left, and in what form</th>\
            <th>What was kept back, and why</th><th>On what basis</th>\(receipts == nil ? "" : "<th>Proof</th>")</tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            \(proof)
            </body>
            </html>

            """
    }

    /// Where the page's own check reports; what it says before (or without) its script.
    static let proofStatus = """
        <p id="proof-status" class="warn">Checking this report's proofs on this computer. If this stays, the browser \
        runs no scripts: check the receipts with <code>discreet verify-receipt</code> instead.</p>

        """

    /// How to check, the receipts themselves, and the script that checks them in the page.
    static func receiptsSection(_ receipts: ReceiptBundle) -> String {
        // Inside a script element only `</` could end it early: `<` is escaped in the JSON's strings.
        let embedded = JSONWriter.string(receipts.json).replacingOccurrences(of: "<", with: "\\u003c")
        let keys =
            "the professional's key <code>\(escape(receipts.logKey))</code>"
            + (receipts.witnessPolicy == nil ? "" : " and the witnesses' keys in the policy below")
        return """
            <h2>How to check this report</h2>
            <p>Every line above is an entry of a tamper-evident ledger (an RFC 6962 Merkle tree), written before anything \
            left. The professional cannot change or remove an entry without it showing. This page carries each line's \
            proof and checks it itself, on this computer, with no call to anyone: the column "Proof" says "checked" or why \
            not, and the top of the page says whether the whole holds. The check is only as good as the keys it uses: \
            \(keys). Compare them with those the professional publishes at <code>/.well-known/discreet-keys</code> and the \
            witnesses publish themselves.</p>
            <p>To keep a proof, ask the professional for your receipts file (the same lines, \
            <code>GET /v1/subjects/{id}/disclosures?format=bundle</code>) and check it with \
            <code>discreet verify-receipt FILE --log-key KEY</code>, or open it here: \
            <input type="file" id="bundle-file" accept=".json,application/json"></p>
            <div id="bundle-result"></div>
            <p>This report shows what kinds of information left, to whom and why, never the information itself.</p>
            <pre>\(escape(receipts.checkpoint))</pre>
            \(receipts.witnessPolicy.map { "<pre>\(escape($0))</pre>" } ?? "")
            <script type="application/json" id="discreet-receipts">\(embedded)</script>
            <script>
            \(ReceiptCheckScript.source)
            </script>
            """
    }

    static func list(_ items: [String]) -> String {
        "<ul>" + items.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
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
