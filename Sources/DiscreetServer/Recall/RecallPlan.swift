import DiscreetJSON
import DiscreetPolicy
import DiscreetStore
import Foundation

/// Which providers a recall goes to, and what each names: read from the subject's ledger entries
/// and earlier recalls alone, with no clock and no store (the opening's transaction hands them in).
///
/// Each names the disclosures by ledger index and id, the categories that left under the
/// consent, and every token the disclosure gave the provider (how it can find what it holds),
/// never the subject's id.
///
/// When a consent ends (withdrawn or expired), a disclosure is recalled from its provider when a
/// field of it left (released or transformed) on the basis `consent:<id>`; fields that left under
/// an agreement needing no consent, or under an exception, are not. For an erasure, every
/// disclosure from which anything left is, unless an earlier erasure's recall named it already.
/// Never disclosures refused whole, nor those a delivery record says never left (recorded but not
/// released, or the upstream unreachable).
enum RecallPlan {
    /// The recalls a consent's end opens.
    static func recalls(
        ending consentID: String, cause: Recall.Cause = .consentWithdrawn, subjectID: String, entries: [LedgerEntry],
        at now: Date, makeID: () -> String
    ) -> [Recall] {
        let basis = "consent:" + consentID
        return recalls(
            cause: cause, consentID: consentID, subjectID: subjectID, entries: entries, skipping: [], at: now,
            makeID: makeID, covers: { $0 == basis })
    }

    /// The recalls an erasure opens: everything that left, less what earlier erasures named.
    static func recalls(erasing subjectID: String, entries: [LedgerEntry], earlier: [Recall], at now: Date, makeID: () -> String)
        -> [Recall]
    {
        let named = Set(earlier.filter { $0.cause == .erasure }.flatMap { $0.disclosures.map(\.ledgerIndex) })
        return recalls(
            cause: .erasure, consentID: nil, subjectID: subjectID, entries: entries, skipping: named, at: now,
            makeID: makeID, covers: { _ in true })
    }

    /// One recall per provider, in the order of their first disclosure: the disclosures (not in
    /// `skipping`) of which a field that left has a basis `covers` takes.
    static func recalls(
        cause: Recall.Cause, consentID: String?, subjectID: String, entries: [LedgerEntry], skipping: Set<Int64>,
        at now: Date, makeID: () -> String, covers: (String?) -> Bool
    ) -> [Recall] {
        var neverLeft = Set<String>()
        var objects: [(index: Int64, object: JSONObject)] = []
        for e in entries {
            guard let o = try? JSONParser.parse(e.entry).objectValue else { continue }
            if let (disclosure, outcome) = DeliveryRecord.undelivered(in: o),
                outcome != DeliveryRecord.Outcome.timedOut.rawValue
            {
                // A timed-out upstream may have taken the body: only these are known not to have.
                neverLeft.insert(disclosure)
            }
            objects.append((e.index, o))
        }
        var byProvider: [String: (disclosures: [RecalledDisclosure], subjectToken: String?)] = [:]
        var order: [String] = []
        for (index, o) in objects {
            guard !skipping.contains(index), o["kind"] == nil, o["refused"] == nil, let id = o["id"]?.stringValue,
                !neverLeft.contains(id),
                let provider = o["provider"]?.stringValue, let purpose = o["purpose"]?.stringValue,
                let time = o["time"]?.stringValue.flatMap(RFC3339.parse)
            else { continue }
            var categories = Set<String>()
            var tokens: [String: String] = [:]
            for f in o["fields"]?.arrayValue ?? [] {
                guard let d = f.objectValue, d["outcome"]?.stringValue != Outcome.withheld.rawValue else { continue }
                // Every token the disclosure gave is a reference the provider can find it by.
                if let token = d["token"]?.stringValue, let field = d["field"]?.stringValue { tokens[field] = token }
                if covers(d["basis"]?.stringValue) { categories.insert(d["category"]?.stringValue ?? "(unmapped)") }
            }
            guard !categories.isEmpty else { continue }
            if byProvider[provider] == nil { order.append(provider) }
            byProvider[provider, default: ([], nil)].disclosures.append(
                RecalledDisclosure(
                    ledgerIndex: index, disclosureID: id, time: time, purpose: purpose, categories: categories.sorted(),
                    tokens: tokens))
            if let token = o["subject_token"]?.stringValue { byProvider[provider]!.subjectToken = token }
        }
        return order.map { provider in
            let found = byProvider[provider]!
            return Recall(
                id: makeID(), subjectID: subjectID, providerID: provider, cause: cause, consentID: consentID,
                openedAt: now, disclosures: found.disclosures, subjectToken: found.subjectToken)
        }
    }
}
