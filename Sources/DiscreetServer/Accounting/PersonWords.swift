import DiscreetPolicy
import Foundation

/// The accounting's codes in the words of the person it is handed to: dates as people write them,
/// the form each kind of information left in, why the rest was kept back, on what basis it left.
enum PersonWords {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// `14 March 2026, 10:30 UTC`.
    static func dateTime(_ date: Date) -> String {
        let text = RFC3339.format(date)  // 2026-03-14T10:30:00.000Z
        let parts = text.split(separator: "T")
        return day(String(parts[0])) + ", " + String(parts[1].prefix(5)) + " UTC"
    }

    /// `14 March 2026`.
    static func date(_ date: Date) -> String { day(String(RFC3339.format(date).prefix(10))) }

    static func day(_ ymd: String) -> String {
        let p = ymd.split(separator: "-")
        guard p.count == 3, let m = Int(p[1]), (1...12).contains(m), let d = Int(p[2]) else { return ymd }
        return "\(d) \(months[m - 1]) \(p[0])"
    }

    /// Why a disclosure did not arrive, from its delivery record's outcome.
    static func undelivered(_ outcome: String) -> String {
        switch outcome {
        case "timed-out": "the recipient's system did not answer in time."
        case "not-released":
            "the request failed (our records system did not confirm it in time) after this entry was written, so "
                + "nothing was sent."
        default: "the recipient's system could not be reached."
        }
    }

    /// How a released category left: `the year only`, `masked: only the last 4 characters shown`;
    /// for scrubbed text, what was taken out of it, in words (`the text, with 3 phone numbers and
    /// your name removed`).
    static func form(_ transform: String?, removed: [String: Int] = [:], labels: Labels = Labels()) -> String {
        guard let transform else { return "as it was" }
        if transform == "scrub" { return scrubbed(removed, labels: labels) }
        let parts = transform.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("mask", 2): return "masked: only the last \(parts[1]) characters shown"
        case ("generalize", 2) where parts[1] == "year": return "the year only"
        case ("generalize", 2) where parts[1] == "month": return "the year and month only"
        case ("generalize", 3) where parts[1] == "band": return "as a range \(parts[2]) wide"
        case ("generalize", 3) where parts[1] == "prefix": return "the first \(parts[2]) characters only"
        case ("pseudonymize", 1): return "replaced by a pseudonym the recipient cannot trace back to you"
        case ("tokenize", 1): return "replaced by a random reference number only we can link to you"
        default: return transform
        }
    }

    static func scrubbed(_ removed: [String: Int], labels: Labels) -> String {
        let kinds = ScrubKind.allCases.compactMap { kind -> String? in
            guard let n = removed[kind.name], n > 0 else { return nil }
            let (one, many) = identifierWords(kind)
            return n == 1 ? "1 \(one)" : "\(n) \(many)"
        }
        let kindNames = Set(ScrubKind.allCases.map(\.name))
        let own = removed.keys.filter { !kindNames.contains($0) && removed[$0]! > 0 }.sorted().map { label in
            label == "withheld" ? "information the policy does not describe" : labels.category(label)
        }
        let all = kinds + own
        guard !all.isEmpty else { return "the text, in which nothing had to be removed" }
        let listed = all.count == 1 ? all[0] : all.dropLast().joined(separator: ", ") + " and " + all.last!
        return "the text, with \(listed) removed"
    }

    /// A kind of identifier in words, singular and plural.
    static func identifierWords(_ kind: ScrubKind) -> (String, String) {
        switch kind {
        case .email: ("e-mail address", "e-mail addresses")
        case .phone: ("phone number", "phone numbers")
        case .iban: ("bank account number", "bank account numbers")
        case .card: ("payment card number", "payment card numbers")
        case .usSSN: ("US social security number", "US social security numbers")
        case .frNIR: ("French social security number", "French social security numbers")
        case .url: ("web address", "web addresses")
        case .ip: ("IP address", "IP addresses")
        case .date: ("date", "dates")
        }
    }

    /// Why a category was kept back, from its reason code.
    static func reason(_ code: String?) -> String {
        switch code {
        case "restricted": "you asked that it not go to them"
        case "no-agreement": "no contract with this recipient covers it"
        case "not-needed": "it is not needed for this purpose"
        case "conflict-of-interest": "the recipient also serves someone whose interests oppose yours"
        case "no-consent": "you had not agreed to it"
        case "consent-expired": "your consent had expired"
        case "consent-withdrawn": "you had withdrawn your consent"
        case "unmapped-field": "it is not information the professional's policy describes"
        case "untransformable": "it could not be reduced as the policy requires"
        default: code ?? "withheld"
        }
    }

    /// On what basis something left: the recipient's contract, the person's consent, a legal exception.
    static func basis(_ basis: String) -> String {
        let (kind, id) = basis.split(separator: ":", maxSplits: 1).map(String.init).splitPair
        switch kind {
        case "agreement": return "the recipient's contract (\(id))"
        case "consent": return "your consent (\(id))"
        case "exception": return "a legal exception: \(id.replacingOccurrences(of: "-", with: " "))"
        default: return basis
        }
    }
}

extension Array where Element == String {
    fileprivate var splitPair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}
