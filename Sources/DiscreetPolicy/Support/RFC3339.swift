import Foundation

/// RFC 3339 timestamps and calendar dates, parsed and printed by arithmetic alone.
///
/// The engine takes time as an input; this type only converts, it never reads a clock.
/// Dates without a time (`2026-01-31`) mean midnight UTC. Calendar validity is exact:
/// `2024-02-29` is a date, `2023-02-29` is not.
public enum RFC3339 {
    /// A civil date, validated.
    public struct CivilDate: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var day: Int
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeapYear(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses `YYYY-MM-DD` at the start of `text`; returns the date and the rest.
    public static func parseDatePrefix(_ text: Substring) -> (CivilDate, Substring)? {
        let u = Array(text.utf8.prefix(10))
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            let y = digits(u[0..<4]), let m = digits(u[5..<7]), let d = digits(u[8..<10]),
            (1...12).contains(m), d >= 1, d <= daysInMonth(y, m)
        else { return nil }
        return (CivilDate(year: y, month: m, day: d), text.dropFirst(10))
    }

    /// Parses a full-date or a date-time with a zone (`Z` or `±HH:MM`).
    public static func parse(_ text: String) -> Date? {
        guard let (date, rest) = parseDatePrefix(Substring(text)) else { return nil }
        var seconds = Double(daysFromCivil(date)) * 86_400
        if rest.isEmpty { return Date(timeIntervalSince1970: seconds) }
        var u = Array(rest.utf8)
        guard u.count >= 10, u[0] == UInt8(ascii: "T") || u[0] == UInt8(ascii: "t"), u[3] == UInt8(ascii: ":"),
            u[6] == UInt8(ascii: ":"), let hh = digits(u[1..<3]), let mm = digits(u[4..<6]), let ss = digits(u[7..<9]),
            hh < 24, mm < 60, ss < 60
        else { return nil }
        seconds += Double(hh * 3600 + mm * 60 + ss)
        u.removeFirst(9)
        if u.first == UInt8(ascii: ".") {
            var i = 1
            var fraction = 0.0
            var scale = 0.1
            while i < u.count, let d = digits(u[i..<(i + 1)]) {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
            guard i > 1 else { return nil }
            seconds += fraction
            u.removeFirst(i)
        }
        if u == [UInt8(ascii: "Z")] || u == [UInt8(ascii: "z")] { return Date(timeIntervalSince1970: seconds) }
        guard u.count == 6, u[0] == UInt8(ascii: "+") || u[0] == UInt8(ascii: "-"), u[3] == UInt8(ascii: ":"),
            let oh = digits(u[1..<3]), let om = digits(u[4..<6]), oh < 24, om < 60
        else { return nil }
        let offset = Double(oh * 3600 + om * 60)
        return Date(timeIntervalSince1970: u[0] == UInt8(ascii: "+") ? seconds - offset : seconds + offset)
    }

    /// Prints `YYYY-MM-DDTHH:MM:SSZ`, with milliseconds when the time has them.
    public static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var whole = Int(t.rounded(.down))
        var millis = Int(((t - Double(whole)) * 1000).rounded())
        if millis == 1000 {
            whole += 1
            millis = 0
        }
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secs = whole - days * 86_400
        let c = civilFromDays(days)
        var s =
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if millis != 0 { s += ".\(pad(millis, 3))" }
        return s + "Z"
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return bytes.isEmpty ? nil : v
    }

    /// Days since 1970-01-01 (H. Hinnant's algorithm).
    static func daysFromCivil(_ d: CivilDate) -> Int {
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (d.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + d.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> CivilDate {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return CivilDate(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }
}
