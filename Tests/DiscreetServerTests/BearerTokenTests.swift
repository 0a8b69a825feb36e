import Testing

@testable import DiscreetServer

/// `Authorization: Bearer <key>` and the shape of a key, read before any store lookup.
@Suite struct BearerTokenTests {
    static let key = "dsk_0123456789ab_" + String(repeating: "A", count: 42) + "_"

    @Test(arguments: ["Bearer ", "bearer ", "BEARER ", "Bearer   ", "bEaReR \t"])
    func schemeIsCaseInsensitiveAndSpacesAreTrimmed(_ prefix: String) {
        #expect(APIKeys.bearerToken(prefix + Self.key + " \t") == Self.key)
    }

    @Test(arguments: ["", "Bearer", "Bearer ", "Bearer    ", "Basic abc", "Bearerdsk_x", "Token dsk_0123456789ab_x"])
    func noTokenWithoutTheScheme(_ header: String) {
        #expect(APIKeys.bearerToken(header) == nil)
    }

    @Test func wellFormedKeysGiveTheirID() {
        #expect(APIKeys.keyID(of: Self.key) == "0123456789ab")
        let (generated, record) = APIKeys.generate(roles: [.auditor], label: "t", now: .init())
        #expect(APIKeys.keyID(of: generated) == record.id)
    }

    @Test(arguments: [
        "", "dsk_0123456789ab", "dsk_0123456789ab_short", "dsk_0123456789aZ_" + String(repeating: "A", count: 43),
        "dsk_0123456789a_" + String(repeating: "A", count: 44), "xsk_0123456789ab_" + String(repeating: "A", count: 43),
        "dsk_0123456789ab_" + String(repeating: "A", count: 44), "dsk-0123456789ab_" + String(repeating: "A", count: 43),
        "dsk_0123456789ab_" + String(repeating: "é", count: 43),
    ])
    func malformedKeysHaveNoID(_ key: String) {
        #expect(APIKeys.keyID(of: key) == nil)
    }
}
