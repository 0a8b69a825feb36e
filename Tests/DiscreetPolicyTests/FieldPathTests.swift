import Testing

@testable import DiscreetPolicy

/// Field path patterns and the concrete paths `POST /v1/decisions` accepts.
@Suite struct FieldPathTests {
    @Test(arguments: [
        "a", "address.city", "treatments[].code", "phones[]", "m[][]", "a-b_c.D9", "x.y.z[].w[]",
    ])
    func wellFormed(_ path: String) {
        #expect(FieldPath.isWellFormed(path))
    }

    @Test(arguments: [
        "", ".", "a.", ".a", "a..b", "[]", "a.[]", "a[]b", "a[", "a]", "a[0]", "a b", "é", "a/b", "a[]]", "a.[].b", "*",
    ])
    func malformed(_ path: String) {
        #expect(!FieldPath.isWellFormed(path))
    }

    @Test(arguments: [
        ("name", "name"), ("address.city", "address.city"), ("treatments[0].code", "treatments[].code"),
        ("treatments[].code", "treatments[].code"), ("m[12][3]", "m[][]"), ("a[0].b[99].c", "a[].b[].c"),
    ])
    func concreteToPattern(_ concrete: String, _ pattern: String) {
        #expect(RecordWalk.pattern(ofConcrete: concrete) == pattern)
    }

    @Test(arguments: ["a[x]", "a[-1]", "a[0", "a[0]b", "[0]", "a.[0]", "a..b", "", "a[٣]", "a[0]]"])
    func concreteRefused(_ concrete: String) {
        #expect(RecordWalk.pattern(ofConcrete: concrete) == nil)
    }
}
