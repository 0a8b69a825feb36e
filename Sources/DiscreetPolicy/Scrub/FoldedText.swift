import Foundation

/// Free text folded for matching, one ASCII byte per unit, each unit mapped back to the original's
/// UTF-8 offsets so that a match is replaced in the text as written.
///
/// Text that tries to hide is found as its plain form would be: format characters (zero-width
/// spaces and joiners, soft hyphens, direction marks) and combining marks are dropped; letters are
/// lowercased and lose their accents; full-width forms, other scripts' decimal digits and the
/// Cyrillic and Greek letters that look Latin become their ASCII look-alike; every space is a space
/// and every dash a `-`. A scalar with no such form is `other` (a letter or digit of another
/// script, a word character) or `symbol`. Linear in the text, one pass.
struct FoldedText {
    /// A letter or digit with no ASCII form: part of a word, never of an identifier.
    static let other: UInt8 = 0x80
    /// A symbol or punctuation with no ASCII form: ends a word.
    static let symbol: UInt8 = 0x81

    private(set) var bytes: [UInt8] = []
    /// The UTF-8 offset in the original where unit `i` begins, and where it ends (the end takes in
    /// the marks and format characters dropped after it, so a replacement leaves none dangling).
    private(set) var starts: [UInt32] = []
    private(set) var ends: [UInt32] = []

    var count: Int { bytes.count }

    /// Nil for a text of 4 GiB or more (offsets are 32-bit; no body comes near).
    init?(_ text: String) {
        var text = text
        guard let folded = text.withUTF8({ FoldedText($0) }) else { return nil }
        self = folded
    }

    init?(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard utf8.count < Int(UInt32.max) else { return nil }
        bytes.reserveCapacity(utf8.count)
        starts.reserveCapacity(utf8.count)
        ends.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b < 0x80 {
                append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b, from: i, to: i + 1)
                i += 1
                continue
            }
            let (scalar, length) = FoldedText.decode(utf8, at: i)
            let end = i + length
            switch FoldedText.fold(scalar) {
            case .drop:
                if !ends.isEmpty { ends[ends.count - 1] = UInt32(end) }
            case .one(let a):
                append(a, from: i, to: end)
            case .two(let a, let c):
                append(a, from: i, to: end)
                append(c, from: i, to: end)
            }
            i = end
        }
    }

    private mutating func append(_ byte: UInt8, from: Int, to: Int) {
        bytes.append(byte)
        starts.append(UInt32(from))
        ends.append(UInt32(to))
    }

    /// The scalar at `i` of valid UTF-8 (a Swift string's), and its length in bytes.
    static func decode(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let b = UInt32(utf8[i])
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        var value = b & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var k = 1
        while k < length, i + k < utf8.count {
            value = value << 6 | UInt32(utf8[i + k] & 0x3F)
            k += 1
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", k)
    }

    enum Folded: Equatable {
        case drop
        case one(UInt8)
        case two(UInt8, UInt8)
    }

    /// The fold of one non-ASCII scalar.
    static func fold(_ s: Unicode.Scalar) -> Folded {
        let v = s.value
        // Full-width ASCII (U+FF01…U+FF5E) is ASCII shifted.
        if v >= 0xFF01 && v <= 0xFF5E {
            let a = UInt8(v - 0xFEE0)
            return .one(a >= 0x41 && a <= 0x5A ? a | 0x20 : a)
        }
        if let mapped = lookAlikes[v] { return mapped }
        let p = s.properties
        switch p.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .spacingMark, .control:
            return .drop
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return .one(0x20)
        case .dashPunctuation:
            return .one(UInt8(ascii: "-"))
        case .decimalNumber:
            if let n = p.numericValue, n >= 0, n <= 9 { return .one(0x30 + UInt8(n)) }
            return .one(other)
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter, .letterNumber,
            .otherNumber:
            return latin(s) ?? .one(other)
        default:
            return .one(symbol)
        }
    }

    /// A Latin letter with marks, or a compatibility form (mathematical, circled, superscript), to
    /// its ASCII base: its compatibility decomposition, kept when that is ASCII letters or digits.
    static func latin(_ s: Unicode.Scalar) -> Folded? {
        let v = s.value
        let inRange =
            (v >= 0xC0 && v <= 0x24F) || (v >= 0x1E00 && v <= 0x1EFF) || (v >= 0x2070 && v <= 0x209F)
            || (v >= 0x2460 && v <= 0x24FF) || (v >= 0x1D400 && v <= 0x1D7FF)
        guard inRange else { return nil }
        var ascii: [UInt8] = []
        for u in String(Character(s)).decomposedStringWithCompatibilityMapping.unicodeScalars {
            if u.isASCII {
                let a = UInt8(u.value)
                guard (a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5A) || (a >= 0x61 && a <= 0x7A) else { return nil }
                ascii.append(a >= 0x41 && a <= 0x5A ? a | 0x20 : a)
            } else if !u.properties.generalCategory.isMark {
                return nil
            }
        }
        switch ascii.count {
        case 1: return .one(ascii[0])
        case 2: return .two(ascii[0], ascii[1])
        default: return nil
        }
    }

    /// Letters that decompose to nothing ASCII yet are written for Latin ones: ligatures, ß, ø,
    /// and the Cyrillic and Greek letters drawn like Latin ones (homoglyphs).
    static let lookAlikes: [UInt32: Folded] = {
        var m: [UInt32: Folded] = [
            0xDF: .two(0x73, 0x73), 0xE6: .two(0x61, 0x65), 0xC6: .two(0x61, 0x65), 0x153: .two(0x6F, 0x65),
            0x152: .two(0x6F, 0x65), 0xF8: .one(0x6F), 0xD8: .one(0x6F), 0x131: .one(0x69), 0x142: .one(0x6C),
            0x141: .one(0x6C), 0x111: .one(0x64), 0x110: .one(0x64), 0x2212: .one(UInt8(ascii: "-")),
            0xFE6B: .one(UInt8(ascii: "@")), 0x2024: .one(UInt8(ascii: ".")), 0x3002: .one(UInt8(ascii: ".")),
            0xFF0E: .one(UInt8(ascii: ".")),
        ]
        let pairs: [(UInt32, Character)] = [
            // Cyrillic, lower and upper case.
            (0x430, "a"), (0x410, "a"), (0x432, "b"), (0x412, "b"), (0x435, "e"), (0x415, "e"), (0x451, "e"),
            (0x401, "e"), (0x43A, "k"), (0x41A, "k"), (0x43C, "m"), (0x41C, "m"), (0x43D, "h"), (0x41D, "h"),
            (0x43E, "o"), (0x41E, "o"), (0x440, "p"), (0x420, "p"), (0x441, "c"), (0x421, "c"), (0x442, "t"),
            (0x422, "t"), (0x443, "y"), (0x423, "y"), (0x445, "x"), (0x425, "x"), (0x456, "i"), (0x406, "i"),
            (0x458, "j"), (0x408, "j"), (0x455, "s"), (0x405, "s"), (0x501, "d"), (0x4CF, "l"), (0x51B, "q"),
            (0x51D, "w"), (0x461, "w"),
            // Greek, lower and upper case.
            (0x3B1, "a"), (0x391, "a"), (0x392, "b"), (0x3B5, "e"), (0x395, "e"), (0x396, "z"), (0x397, "h"),
            (0x3B9, "i"), (0x399, "i"), (0x3BA, "k"), (0x39A, "k"), (0x39C, "m"), (0x3BD, "v"), (0x39D, "n"),
            (0x3BF, "o"), (0x39F, "o"), (0x3C1, "p"), (0x3A1, "p"), (0x3C4, "t"), (0x3A4, "t"), (0x3C5, "u"),
            (0x3A5, "y"), (0x3C7, "x"), (0x3A7, "x"),
        ]
        for (v, c) in pairs { m[v] = .one(c.asciiValue!) }
        return m
    }()
}

extension Unicode.GeneralCategory {
    fileprivate var isMark: Bool { self == .nonspacingMark || self == .spacingMark || self == .enclosingMark }
}

extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetter: Bool { self >= 0x61 && self <= 0x7A }
    /// A letter, a digit, or a letter or digit of another script.
    var isWord: Bool { isDigit || isLetter || self == FoldedText.other }
}
