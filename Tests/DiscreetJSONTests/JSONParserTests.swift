import DiscreetJSON
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONParser.parse(#"{"a":null,"b":true,"c":false,"d":-12.5e3,"e":"x","f":[1,{}],"g":{}}"#)
        let o = try #require(v.objectValue)
        #expect(o.keys == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(o["a"] == .null)
        #expect(o["b"] == .bool(true))
        #expect(o["d"] == .number("-12.5e3"))
        #expect(o["f"] == .array([.number("1"), .object(JSONObject())]))
    }

    @Test func keepsTheExactTextOfNumbers() throws {
        let v = try JSONParser.parse("[12345678901234567890, 0.1, 1E+2]")
        #expect(v == .array([.number("12345678901234567890"), .number("0.1"), .number("1E+2")]))
        #expect(JSONWriter.string(v) == "[12345678901234567890,0.1,1E+2]")
    }

    @Test(arguments: ["01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "Infinity", "1.5e+"])
    func refusesNumbersOutsideTheGrammar(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[\(text)]") }
    }

    @Test func refusesDuplicateKeys() {
        #expect(throws: JSONParseError(kind: .duplicateKey, offset: 8)) { try JSONParser.parse(#"{"a":1, "a":2}"#) }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(ok)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    /// Four-byte sequences cut after three: their repair (one U+FFFD, three bytes) is as long as
    /// they are, so only a comparison of the bytes tells them from text; then an overlong form, an
    /// encoded surrogate, code points past U+10FFFF and lone continuation bytes.
    @Test(arguments: [
        [0xF1, 0x80, 0x80], [0xF0, 0x90, 0x80], [0xF4, 0x8F, 0xBF], [0xF3, 0xBF, 0xBF], [0xE0, 0x80, 0xAF], [0xC0, 0x80],
        [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x61, 0x80, 0x80, 0x80],
    ])
    func refusesIllFormedUTF8(_ inner: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22] + inner + [0x41, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E] + inner + [0x22]) }
    }

    /// Every sequence of up to four pieces (whole characters of one to four bytes, lone lead and
    /// continuation bytes, bytes that never occur in UTF-8), 41,371 strings: each parses exactly
    /// when the standard library finds it UTF-8, to the same text, with and without an escape (the
    /// parser's two paths). Leads followed by continuations make every cut and overlong form.
    @Test func acceptsExactlyWellFormedUTF8() throws {
        let pieces: [[UInt8]] = [
            [0x61], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xBF], [0xC0], [0xC2], [0xE0],
            [0xED], [0xF0], [0xF4], [0xF5], [0xFF],
        ]
        var layer: [[UInt8]] = [[]]
        for length in 0...4 {
            for inner in layer {
                let expected = String(validating: inner, as: UTF8.self)
                for escaped in [false, true] {
                    let document = [0x22] + (escaped ? [0x5C, 0x74] : []) + inner + [0x22]
                    let parsed = try? JSONParser.parse(document)
                    #expect(parsed == expected.map { .string((escaped ? "\t" : "") + $0) }, "\(inner)")
                }
            }
            if length < 4 { layer = layer.flatMap { prefix in pieces.map { prefix + $0 } } }
        }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""a\"b\\c\/\n\u00e9\ud83d\ude00""#)
        #expect(v == .string("a\"b\\c/\né😀"))
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00""#, #""\x""#, "\"a\nb\"", #""\u12""#])
    func refusesBadStrings(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test(arguments: ["", "  ", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "tru", "nul", "[1] x", "{} {}"])
    func refusesMalformedDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func writerEscapesAndRoundTrips() throws {
        let value: JSONValue = ["k\"ey": "line\nbreak\u{01}", "n": 1, "u": "ünï😀"]
        let text = JSONWriter.string(value)
        #expect(text == #"{"k\"ey":"line\nbreak\u0001","n":1,"u":"ünï😀"}"#)
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func writerEscapesEveryControlAndQuoteWhereverItStands() throws {
        let cases: [(String, String)] = [
            ("", #""""#), ("\\", #""\\""#), ("a\rb\tc", #""a\rb\tc""#), ("\u{1F}x", #""\u001fx""#),
            ("x\u{00}", #""x\u0000""#), ("\"\"", #""\"\"""#), ("plain", #""plain""#), ("é\u{7F}", "\"é\u{7F}\""),
        ]
        for (value, expected) in cases {
            #expect(JSONWriter.string(.string(value)) == expected)
            #expect(try JSONParser.parse(expected) == .string(value))
        }
        #expect(JSONWriter.string([true, false, .null]) == "[true,false,null]")
        var w = JSONWriter()
        w.writeStringOrNull(nil)
        w.raw(",")
        w.writeStringOrNull("a")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"null,"a""#)
    }

    @Test func sortedKeysAreCanonical() {
        let a: JSONValue = ["b": 1, "a": ["d": 2, "c": 3]]
        let b: JSONValue = ["a": ["c": 3, "d": 2], "b": 1]
        #expect(JSONWriter.encode(a, sortedKeys: true) == JSONWriter.encode(b, sortedKeys: true))
        #expect(JSONWriter.string(a, sortedKeys: true) == #"{"a":{"c":3,"d":2},"b":1}"#)
    }

    @Test func errorsNameAnOffsetNeverTheContent() {
        do {
            _ = try JSONParser.parse(#"{"secret": "Ana Souza", oops}"#)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("Ana"))
            #expect(error.offset == 24)
        }
    }
}
