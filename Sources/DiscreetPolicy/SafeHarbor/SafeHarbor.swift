/// HIPAA's Safe Harbor method of de-identification (45 CFR 164.514(b)(2)): what `deidentify:
/// safe-harbor` on a purpose and the `{safe-harbor: zip|date|age}` transforms do to a value.
///
/// The 18 identifiers of 164.514(b)(2)(i) are removed or generalized: a purpose that deidentifies
/// may not pseudonymize, mask or keep a month (the validator refuses them), ZIP codes keep their
/// first three digits (`000` where those three digits cover 20,000 people or fewer), dates keep
/// their year, ages over 89 become "90 or older" (and a year that shows such an age goes too), and
/// scrubbed text loses every kind, the record's own values and any age over 89 written in it.
public enum SafeHarbor {
    /// What ages over 89, and the dates that show them, become (164.514(b)(2)(i)(C)).
    public static let ninetyOrOlder = "90 or older"

    /// A five-digit ZIP code (or ZIP+4) to its first three digits, or `000` for the three-digit
    /// areas of 20,000 people or fewer. Nil for anything else: the field is withheld.
    public static func zip(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.utf8.prefix(5)
        guard digits.count == 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let rest = t.utf8.dropFirst(5)
        guard
            rest.isEmpty
                || (rest.count == 5 && rest.first == UInt8(ascii: "-")
                    && rest.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }))
        else { return nil }
        let three = String(t.prefix(3))
        return RestrictedZIP3.codes.contains(three) ? "000" : three
    }

    /// A date to its year, or "90 or older" when that year shows an age over 89 at the time of
    /// the decision (a birth year 90 or more years back). Nil for what is not a date.
    public static func date(_ text: String, decisionYear: Int) -> String? {
        guard let year = Generalization.date(text, keepMonth: false), let y = Int(year) else { return nil }
        // Checked: the decision's year is an input (Int.max when there is none: then the year goes).
        let (age, overflow) = decisionYear.subtractingReportingOverflow(y)
        return overflow || age > 89 ? ninetyOrOlder : year
    }

    /// An age in years: as it is up to 89, "90 or older" above. Nil for what is not a
    /// non-negative number of years (the field is withheld).
    public static func age(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(t), value.isFinite, value >= 0, value < 1000,
            t.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") })
        else { return nil }
        return value > 89 ? ninetyOrOlder : t
    }
}
