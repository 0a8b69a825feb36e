/// Why a body is not acceptable JSON. The message names a byte offset, never the content.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unexpectedEnd = "the JSON ends too early"
        case unexpectedCharacter = "unexpected character"
        case invalidNumber = "invalid number"
        case invalidEscape = "invalid escape sequence in a string"
        case invalidUTF8 = "invalid UTF-8"
        case controlCharacter = "unescaped control character in a string"
        case duplicateKey = "duplicate object key"
        case tooDeep = "nesting too deep"
        case trailingData = "data after the JSON value"
    }

    public var kind: Kind
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String { "\(kind.rawValue) at byte \(offset)" }
}
