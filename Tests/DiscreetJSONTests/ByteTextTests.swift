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
}
