/// `generalize`: a date to its year or month, a number to a band.
public enum Generalization {
    /// `2024-02-29` → `2024` or `2024-02`. Accepts a calendar date or an RFC 3339 date-time; a
    /// value that is not a real date (`2023-02-29`) gives nil.
    public static func date(_ text: String, keepMonth: Bool) -> String? {
        guard let (d, rest) = RFC3339.parseDatePrefix(Substring(text)) else { return nil }
        if !rest.isEmpty && RFC3339.parse(text) == nil { return nil }
        let year = RFC3339.pad(d.year, 4)
        return keepMonth ? "\(year)-\(RFC3339.pad(d.month, 2))" : year
    }

    /// `37` with width 10 → `30-39`; `-3` → `-10--1`. The band is [lower, lower + width) written
    /// with integer bounds. Gives nil for text that is not a number, or whose band has a bound
    /// outside `Int` (`9223372036854775807` with width 100): the value comes from a request, so
    /// every step is checked, and the engine withholds what cannot be banded.
    public static func band(_ text: String, width: Int) -> String? {
        guard width > 0 else { return nil }
        if let n = Int(text) { return band(floorQuotient: floorDivide(n, by: width), width: width) }
        guard let x = Double(text), x.isFinite, abs(x) < 1e15,
            text.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45
            }),
            let q = Int(exactly: (x / Double(width)).rounded(.down))
        else { return nil }
        return band(floorQuotient: q, width: width)
    }

    /// `n / width` rounded toward negative infinity; never overflows for `width > 0`.
    static func floorDivide(_ n: Int, by width: Int) -> Int {
        let q = n / width
        // For width 1 the remainder is 0; for width >= 2, q >= Int.min / 2, so q - 1 fits.
        return n % width < 0 ? q - 1 : q
    }

    /// `lower-upper` for the band of index `q`, or nil when either bound leaves `Int`.
    static func band(floorQuotient q: Int, width: Int) -> String? {
        let (lower, overflowLow) = q.multipliedReportingOverflow(by: width)
        let (upper, overflowHigh) = lower.addingReportingOverflow(width - 1)
        guard !overflowLow, !overflowHigh else { return nil }
        return "\(lower)-\(upper)"
    }
}
