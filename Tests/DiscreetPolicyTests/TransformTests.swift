import Crypto
import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

@Suite struct TransformTests {
    typealias F = Fixtures

    @Test(arguments: [
        ("", 4, ""), ("1234", 4, "****"), ("123", 4, "***"), ("12345", 4, "*2345"), ("+33612345678", 4, "********5678"),
        ("éàü😀ß", 2, "***😀ß"), ("x", 0, "*"), ("👩‍👩‍👧ab", 2, "*ab"),
    ])
    func mask(_ input: String, _ keep: Int, _ expected: String) {
        #expect(Masking.mask(input, keep: keep) == expected)
    }

    @Test func maskOfANumberMasksItsText() throws {
        let (d, v) = try F.decide("phone", .number("0612345678"), F.input())
        #expect(d.outcome == .transformed)
        #expect(v == "******5678")
    }

    @Test(arguments: [
        ("2024-02-29", false, "2024"), ("2024-02-29", true, "2024-02"), ("2000-02-29", false, "2000"),
        ("1999-12-31T23:59:59Z", true, "1999-12"), ("2026-01-31T10:00:00+02:00", false, "2026"),
    ])
    func generalizeDate(_ input: String, _ month: Bool, _ expected: String) {
        #expect(Generalization.date(input, keepMonth: month) == expected)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2024-13-01", "2024-04-31", "2024-00-10", "24-02-01", "", "2024-02-29T25:00:00Z",
        "2024-02-29junk",
    ])
    func generalizeDateRefusesWhatIsNotADate(_ input: String) {
        #expect(Generalization.date(input, keepMonth: false) == nil)
    }

    @Test(arguments: [
        ("37", 10, "30-39"), ("30", 10, "30-39"), ("0", 10, "0-9"), ("-3", 10, "-10--1"), ("-10", 10, "-10--1"),
        ("37.9", 10, "30-39"), ("1234", 100, "1200-1299"), ("5", 1, "5-5"),
    ])
    func generalizeBand(_ input: String, _ width: Int, _ expected: String) {
        #expect(Generalization.band(input, width: width) == expected)
    }

    @Test(arguments: ["abc", "1e400", "NaN", "", "12abc"])
    func bandRefusesWhatIsNotANumber(_ input: String) {
        #expect(Generalization.band(input, width: 10) == nil)
    }

    /// The band's bounds are checked arithmetic: a number at Int's edges, or a width near it,
    /// gives nil (the field is withheld), never a trap that stops the service.
    @Test(arguments: [
        ("9223372036854775807", 100), ("-9223372036854775808", 100), ("9223372036854775807", 3),
        ("-9223372036854775808", 3), ("-9223372036854775808", Int.max),
    ])
    func bandAtIntsEdgesIsRefusedNotTrapped(_ input: String, _ width: Int) {
        #expect(Generalization.band(input, width: width) == nil)
    }

    @Test(arguments: [
        ("9223372036854775806", 1, "9223372036854775806-9223372036854775806"),
        ("-9223372036854775808", 1, "-9223372036854775808--9223372036854775808"),
        ("9223372036854775806", 2, "9223372036854775806-9223372036854775807"),
        ("9223372036854775807", 2, "9223372036854775806-9223372036854775807"),
        ("-9223372036854775808", 2, "-9223372036854775808--9223372036854775807"),
        ("5", Int.max, "0-9223372036854775806"), ("-1", Int.max, "-9223372036854775807--1"), ("-0", 10, "0-9"),
        ("-0.5", 10, "-10--1"), ("1e3", 100, "1000-1099"),
    ])
    func bandJustInsideIntsEdges(_ input: String, _ width: Int, _ expected: String) {
        #expect(Generalization.band(input, width: width) == expected)
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "1e308", "-1e308"])
    func anUnbandableNumberIsWithheldThroughTheEngine(_ number: String) throws {
        let (d, v) = try F.decide("balance", .number(number), F.input())
        #expect(d.outcome == .withheld)
        #expect(d.reason == .untransformable)
        #expect(v == nil)
    }

    @Test func prefixKeepsTheFirstCharacters() throws {
        #expect(try F.decide("zip", "69003", F.input()).1 == "690")
        #expect(try F.decide("zip", "69", F.input()).1 == "69")
        #expect(try F.decide("zip", .number("75001"), F.input()).1 == "750")
        #expect(try F.decide("zip", "", F.input()).1 == "")
    }

    @Test func bandThroughTheEngine() throws {
        let (d, v) = try F.decide("balance", .number("120.5"), F.input())
        #expect(d.transform == "generalize:band:100")
        #expect(v == "100-199")
    }

    @Test func pseudonymsAreStablePerProviderAndUnlinkableAcross() {
        let secret = SymmetricKey(data: Data(repeating: 1, count: 32))
        let a = Pseudonymizer(serviceSecret: secret, providerID: "a")
        let b = Pseudonymizer(serviceSecret: secret, providerID: "b")
        #expect(a.pseudonym(of: "1840229123456") == a.pseudonym(of: "1840229123456"))
        #expect(a.pseudonym(of: "1840229123456") != b.pseudonym(of: "1840229123456"))
        #expect(a.pseudonym(of: "1840229123456") != a.pseudonym(of: "1840229123457"))
        #expect(a.pseudonym(of: "").count == 43)
        #expect(a.pseudonym(of: "ünïcode").count == 43)
        let other = Pseudonymizer(serviceSecret: SymmetricKey(data: Data(repeating: 2, count: 32)), providerID: "a")
        #expect(other.pseudonym(of: "x") != a.pseudonym(of: "x"))
    }

    @Test func pseudonymsAreTheBase64urlOfTheHMAC() {
        let secret = SymmetricKey(data: Data(repeating: 3, count: 32))
        let p = Pseudonymizer(serviceSecret: secret, providerID: "acme")
        let key = SymmetricKey(
            data: Data(HMAC<SHA256>.authenticationCode(for: Data("discreet/pseudonym/v1/acme".utf8), using: secret)))
        for text in ["", "x", "1840229123456", "ünï😀", String(repeating: "z", count: 1000)] {
            let mac = Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
            let expected = mac.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
                of: "/", with: "_"
            )
            .replacingOccurrences(of: "=", with: "")
            #expect(p.pseudonym(of: text) == expected)
        }
    }

    @Test func pseudonymizeThroughTheEngineNeverReleasesTheValue() throws {
        let (d, v) = try F.decide("ssn", "1840229123456", F.input())
        #expect(d.outcome == .transformed)
        #expect(d.transform == "pseudonymize")
        #expect(v != "1840229123456")
        #expect(v == .string(F.secret.pseudonym(of: "1840229123456")))
    }

    @Test func releaseKeepsTheValueExactly() throws {
        #expect(try F.decide("name", "Ana Souza 😀", F.input()).1 == "Ana Souza 😀")
        #expect(try F.decide("name", .number("12345678901234567890"), F.input()).1 == .number("12345678901234567890"))
        #expect(try F.decide("name", .null, F.input()).1 == .null)
    }
}
