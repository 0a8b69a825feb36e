import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

@testable import DiscreetServer

/// The hot paths write decisions and ledger entries straight to bytes; these must be exactly the
/// bytes the general writer gives for the same value, or leaf hashes would stop being reproducible.
@Suite struct DirectJSONWriterTests {
    static let decisions = [
        FieldDecision(
            field: "name", category: "identity.name", outcome: .released, reason: .permitted, basis: "agreement:a-1"),
        FieldDecision(
            field: "birth_date", category: "identity.birth", outcome: .transformed, reason: .permitted, basis: "consent:c-1",
            transform: "generalize:year"),
        FieldDecision(field: "we\"ird\\ key\u{01}é", category: nil, outcome: .withheld, reason: .unmappedField),
        FieldDecision(field: "x[0].y", category: "health.dx", outcome: .withheld, reason: .noConsent),
        FieldDecision(
            field: "z", category: "health.dx", outcome: .released, reason: .permitted, basis: "consent:c-no-receipt"),
    ]
    static let receipts = ["c-1": "rcpt-1"]

    static func entry(exception: ExceptionInvocation?, hmac: String?, refused: String?, receipts: [String: String])
        -> DisclosureEntry
    {
        var e = DisclosureEntry(
            id: "dsc-1", time: Date(timeIntervalSince1970: 1_780_000_000.25), providerID: "acme \"q\"", purpose: "billing",
            subjectID: "s-ü", recordType: "patient", policy: .init(revision: 12, label: "v\n1", digest: "abc"), keyID: "k-1",
            decisions: decisions, exception: exception)
        e.receipts = receipts
        e.payloadHMAC = hmac
        e.refused = refused
        if hmac != nil {
            e.gateway = .init(route: "collect", digest: "d")
            e.subjectToken = "tok_abcdefghijklmnopqrstuvwxyz"
        }
        return e
    }

    @Test(arguments: [false, true])
    func ledgerEntriesAreTheCanonicalBytesOfTheirValue(_ full: Bool) {
        let exception =
            full
            ? ExceptionInvocation(basis: "threat", justification: "A sentence of reasons.", facts: "f", authority: "Police") : nil
        let e = Self.entry(
            exception: exception, hmac: full ? "hmac" : nil, refused: full ? "provider-suspended" : nil,
            receipts: full ? Self.receipts : [:])
        #expect(e.canonicalBytes == JSONWriter.encode(e.json, sortedKeys: true))
    }

    @Test func decisionsAsAnsweredAreTheirValueWritten() throws {
        var w = JSONWriter()
        w.raw("{")
        w.writeDecisions(Self.decisions, notices: ["No redisclosure.", "n\"2"], receipts: Self.receipts, citations: [:])
        w.raw("}")
        let expected: JSONValue = [
            "decisions": .array(Self.decisions.map { $0.json(receipts: Self.receipts) }),
            "notices": ["No redisclosure.", "n\"2"],
        ]
        #expect(w.bytes == JSONWriter.encode(expected))
        // And it names the receipt of the one consent that has one.
        let parsed = try JSONParser.parse(w.bytes)
        let answered = try #require(parsed.objectValue?["decisions"]?.arrayValue)
        #expect(answered.compactMap { $0.objectValue?["consent_receipt"] } == ["rcpt-1"])
    }

    /// The law a basis rests on is named once per basis used, sorted, and only for bases the
    /// bundle cites; with none, the member is left out and the answer is as before.
    @Test func citationsNameEachBasisUsedOnce() throws {
        var w = JSONWriter()
        w.raw("{")
        w.writeDecisions(
            Self.decisions + [Self.decisions[1]], notices: [], receipts: [:],
            citations: ["consent:c-1": "GDPR Art. 9(2)(a)", "agreement:a-1": "45 CFR 164.502(e)", "exception:unused": "x"])
        w.raw("}")
        let parsed = try JSONParser.parse(w.bytes)
        #expect(
            parsed.objectValue?["citations"]
                == ["agreement:a-1": "45 CFR 164.502(e)", "consent:c-1": "GDPR Art. 9(2)(a)"])
        #expect(
            String(decoding: w.bytes, as: UTF8.self).hasSuffix(
                #""citations":{"agreement:a-1":"45 CFR 164.502(e)","consent:c-1":"GDPR Art. 9(2)(a)"}}"#))
    }
}
