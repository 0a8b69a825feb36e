import DiscreetJSON
import Foundation
import Testing

@Suite struct ByteTextTests {
    @Test(arguments: [0, 1, 2, 3, 4, 31, 32, 33, 64])
    func matchesFoundationsEncodings(_ count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 251) }
        #expect(ByteText.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(ByteText.base64url(bytes) == expected)
    }

    @Test(arguments: [
        ("application/json", true), ("Application/JSON; charset=utf-8", true), ("APPLICATION/JSON", true),
        ("application/jso", false), ("", false), ("text/json", false), ("application/json-seq", true),
        ("application/jsoN", true), ("application/jsön", false), ("application/\u{0}json", false),
    ])
    func comparesAPrefixAsLowercasingWould(_ text: String, _ expected: Bool) {
        #expect(ByteText.hasPrefixIgnoringASCIICase(text, "application/json") == expected)
        #expect(text.lowercased().hasPrefix("application/json") == expected)
    }
}
