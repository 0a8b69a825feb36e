import DiscreetStore
import Foundation
import Testing

@testable import DiscreetServer

/// The key check compares every byte: a comparison of only some bytes (the last, say) would let
/// a wrong secret in one time in 256. Each position is tried on its own.
@Suite struct KeyComparisonTests {
    @Test(arguments: [0, 1, 15, 16, 30, 31])
    func digestsThatDifferInOneByteAreUnequal(_ position: Int) {
        let a = [UInt8](repeating: 0xA5, count: 32)
        var b = a
        b[position] ^= 0x01
        #expect(APIKeys.constantTimeEquals(a, a))
        #expect(!APIKeys.constantTimeEquals(a, b))
        #expect(!APIKeys.constantTimeEquals(b, a))
    }

    @Test func lengthsMustAgree() {
        #expect(!APIKeys.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!APIKeys.constantTimeEquals([], [0]))
        #expect(APIKeys.constantTimeEquals([], []))
    }

    @Test(arguments: [0, 7, 31])
    func aRecordWithOneFlippedDigestByteDoesNotMatchItsKey(_ position: Int) throws {
        let (key, record) = APIKeys.generate(roles: [.admin], label: "t", now: Date())
        #expect(APIKeys.matches(key, record))
        var flipped = record
        flipped.digest[position] ^= 0x80
        #expect(!APIKeys.matches(key, flipped))
    }
}
