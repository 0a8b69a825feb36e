import Crypto
import DiscreetJSON
import Foundation
import Testing

@testable import DiscreetPolicy

/// The engine, compiled to integer ids for speed, decides exactly as the plain reference does:
/// same decisions in the same order, same released record (member order included), same notices,
/// same refusals, over generated bundles, providers, subjects, consents and records.
@Suite struct DifferentialTests {
    static let now = Generator.now
    static let pseudonymizer = Pseudonymizer(
        serviceSecret: SymmetricKey(data: Data(repeating: 7, count: 32)), providerID: "acme")

    @Test(arguments: 0..<8)
    func theEngineDecidesAsTheReference(_ seed: Int) throws {
        var g = Generator(seed: UInt64(seed))
        var seen = Set<ReasonCode>()
        var refusals = 0
        for _ in 0..<150 {
            let bundle = g.bundle()
            let engine = DecisionEngine(bundle: bundle)
            let reference = ReferenceEngine(bundle: bundle)
            for _ in 0..<6 {
                let input = g.input(bundle)
                let record = g.record()
                let fields = g.fields()
                expectSame(
                    Result { () throws(RequestRefusal) in
                        try engine.disclose(record: record, input: input, pseudonymizer: Self.pseudonymizer)
                    },
                    Result { () throws(RequestRefusal) in
                        try reference.disclose(record: record, input: input, pseudonymizer: Self.pseudonymizer)
                    })
                switch Result(catching: { () throws(RequestRefusal) in
                    try reference.disclose(record: record, input: input, pseudonymizer: Self.pseudonymizer)
                }) {
                case .success(let r):
                    seen.formUnion(r.decisions.map(\.reason))
                case .failure: refusals += 1
                }
                let got = Result { () throws(RequestRefusal) in try engine.decide(fields: fields, input: input) }
                let want = Result { () throws(RequestRefusal) in try reference.decide(fields: fields, input: input) }
                switch (got, want) {
                case (.success(let a), .success(let b)):
                    #expect(a.decisions == b.decisions)
                    #expect(a.notices == b.notices)
                case (.failure(let a), .failure(let b)): #expect(a == b)
                default: Issue.record("one refused, the other did not: \(got) / \(want)")
                }
            }
        }
        // The generator reaches every reason and some refusals, or the comparison proves little.
        #expect(seen == Set(ReasonCode.allCases))
        #expect(refusals > 0)
    }

    func expectSame(_ got: Result<DisclosureResult, RequestRefusal>, _ want: Result<DisclosureResult, RequestRefusal>) {
        switch (got, want) {
        case (.success(let a), .success(let b)):
            #expect(a.decisions == b.decisions)
            #expect(JSONWriter.encode(.object(a.released)) == JSONWriter.encode(.object(b.released)))
            #expect(a.notices == b.notices)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("one refused, the other did not: \(got) / \(want)")
        }
    }
}
