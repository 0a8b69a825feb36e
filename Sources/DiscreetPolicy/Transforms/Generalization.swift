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
    /// with integer bounds. Gives nil for text that is not a number or too large to band.
    public static func band(_ text: String, width: Int) -> String? {
        guard width > 0 else { return nil }
        if let n = Int(text) {
            let lower = n >= 0 ? n / width * width : -((-n + width - 1) / width) * width
            return "\(lower)-\(lower + width - 1)"
        }
        guard let x = Double(text), x.isFinite, abs(x) < 1e15,
            text.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45
            })
        else { return nil }
        let lower = Int((x / Double(width)).rounded(.down)) * width
        return "\(lower)-\(lower + width - 1)"
    }
}
