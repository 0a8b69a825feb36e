import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

@Suite struct DecisionEngineTests {
    typealias F = Fixtures

    @Test func strictestRegimeWinsWhenATagAddsOne() throws {
        // Unmapped to substance-use by category, the name falls under it through the subject's tag:
        // consent now required, named recipient, and its notice travels.
        let tagged = Subject(id: "s-1", tags: ["part2"])
        let d = try F.decide("name", "Ana", F.input(subject: tagged)).0
        #expect(d.reason == .noConsent)
        let consented = try F.engine.disclose(
            record: ["name": "Ana"], input: F.input(subject: tagged, consents: [F.consent()]), pseudonymizer: F.secret)
        #expect(consented.decisions.first?.basis == "consent:c-1")
        #expect(consented.notices == ["No redisclosure."])
        // The record's own tags do the same.
        #expect(try F.decide("name", "Ana", F.input(tags: ["part2"])).0.reason == .noConsent)
        // An unknown tag adds nothing.
        #expect(try F.decide("name", "Ana", F.input(tags: ["unknown"])).0.reason == .permitted)
    }

    @Test func exceptionStandsInForAgreementOnlyForAllowedKinds() throws {
        let authority = F.provider(kind: "authority", agreements: [])
        let d = try F.decide("name", "Ana", F.input(provider: authority, exception: F.threat)).0
        #expect(d.reason == .permitted)
        #expect(d.basis == "exception:serious-threat")
        let vendor = F.provider(kind: "service-provider", agreements: [])
        #expect(try F.decide("name", "Ana", F.input(provider: vendor, exception: F.threat)).0.reason == .noAgreement)
        #expect(try F.decide("name", "Ana", F.input(provider: authority)).0.reason == .noAgreement)
    }

    /// DESIGN §3, step 3: the exception stands in for a missing agreement when the recipient's
    /// kind is one it may reach; whether the field's regime lists it is asked only at step 6.
    static let stepThree = try! BundleParser.parse(
        """
        version: step3
        regimes:
          plain: { consent: not-required }
          guarded: { consent: required, recipient: named }
        exceptions:
          legal-obligation: { recipient-kinds: [court] }
        categories:
          identity.name: plain
          health.diagnosis: guarded
        records:
          file: { name: identity.name, diagnosis: health.diagnosis }
        purposes:
          litigation: { identity.name: release, health.diagnosis: release }
        """)

    func stepThreeDecisions(kind: String, exception: Bool) throws -> [String: FieldDecision] {
        let engine = DecisionEngine(bundle: Self.stepThree)
        let court = Provider(id: "tgi", kind: kind, agreements: [])
        let input = DecisionInput(
            providerID: "tgi", purpose: "litigation", subjectID: "s-1", recordType: "file", recordTags: [], provider: court,
            subject: nil, consents: [],
            exception: exception
                ? ExceptionInvocation(basis: "legal-obligation", justification: "A court order to produce.", facts: "Order.")
                : nil,
            time: F.now)
        let r = try engine.disclose(record: ["name": "Ana", "diagnosis": "F32"], input: input, pseudonymizer: F.secret)
        return Dictionary(uniqueKeysWithValues: r.decisions.map { ($0.field, $0) })
    }

    @Test func anExceptionReachingTheRecipientsKindStandsInForTheAgreementWhateverTheRegimeLists() throws {
        let d = try stepThreeDecisions(kind: "court", exception: true)
        #expect(d["name"]?.reason == .permitted)
        #expect(d["name"]?.basis == "exception:legal-obligation")
        // Past step 3, the regime that requires consent and lists no exception still withholds.
        #expect(d["diagnosis"]?.reason == .noConsent)
    }

    @Test func anExceptionNotReachingTheRecipientsKindLeavesNoAgreement() throws {
        #expect(try stepThreeDecisions(kind: "authority", exception: true)["name"]?.reason == .noAgreement)
        #expect(try stepThreeDecisions(kind: "court", exception: false)["name"]?.reason == .noAgreement)
    }

    @Test func exceptionStandsInForConsentOnlyWhereTheRegimeAdmitsIt() throws {
        let medic = F.provider(kind: "medical-personnel")
        let sud = try F.engine.disclose(
            record: ["visits": [["sud": "x"]]], input: F.input(provider: medic, exception: F.emergency), pseudonymizer: F.secret)
        #expect(sud.decisions.first?.reason == .permitted)
        #expect(sud.decisions.first?.basis == "exception:medical-emergency")
        // The secret regime admits no exception.
        let authority = F.provider(kind: "authority")
        #expect(
            try F.decide("formula", "x", F.input(purpose: "research", provider: authority, exception: F.threat)).0.reason
                == .noConsent)
        // serious-threat does not reach medical personnel.
        #expect(
            try F.decide("diagnosis", "F32", F.input(purpose: "research", provider: medic, exception: F.threat)).0.reason
                == .noConsent)
    }

    @Test func requestRefusals() throws {
        var suspended = F.provider()
        suspended.suspended = true
        #expect(throws: RequestRefusal.providerSuspended("acme")) {
            try F.engine.disclose(record: ["name": "Ana"], input: F.input(provider: suspended), pseudonymizer: F.secret)
        }
        #expect(throws: RequestRefusal.unknownPurpose("marketing")) {
            try F.engine.disclose(record: [:], input: F.input(purpose: "marketing"), pseudonymizer: F.secret)
        }
        var input = F.input()
        input.recordType = "invoice"
        #expect(throws: RequestRefusal.unknownRecordType("invoice")) {
            try F.engine.decide(fields: [], input: input)
        }
        let bogus = ExceptionInvocation(basis: "bored", justification: "x", facts: "y")
        #expect(throws: RequestRefusal.unknownException("bored")) {
            try F.engine.decide(fields: ["name"], input: F.input(exception: bogus))
        }
    }

    @Test func releasedRecordKeepsOnlyWhatPassedAndItsShape() throws {
        let record: JSONObject = [
            "name": "Ana", "diagnosis": "F32", "nickname": "Nana", "address": "69003",
            "visits": [["sud": "methadone"], ["sud": "x", "extra": 1]],
        ]
        let r = try F.engine.disclose(record: record, input: F.input(purpose: "billing"), pseudonymizer: F.secret)
        #expect(r.released == ["name": "Ana", "diagnosis": "F32", "address": "690"])
        let byField = Dictionary(uniqueKeysWithValues: r.decisions.map { ($0.field, $0.reason) })
        #expect(byField[F.secret.memberDigest(of: "nickname")] == .unmappedField)
        #expect(byField["visits[0].sud"] == .noConsent)
        #expect(byField["visits[1].sud"] == .noConsent)
        #expect(byField["visits[1]." + F.secret.memberDigest(of: "extra")] == .unmappedField)
        #expect(r.decisions.count == 7)
    }

    /// Values never rest: a member the record type does not name is recorded by the mapped path
    /// that leads to it and a keyed digest of its name, so a record keyed by a person's name or
    /// e-mail leaves neither in the decisions nor, through them, in the ledger.
    @Test func anUnmappedMembersNameIsRecordedOnlyAsAKeyedDigest() throws {
        let names = ["ana.souza@example.org", "Ana Souza", "a[0]", ""]
        var record: JSONObject = ["visits": [["sud": "x", "Ana Souza": 1]]]
        for n in names { record[n] = "v" }
        let r = try F.engine.disclose(record: record, input: F.input(), pseudonymizer: F.secret)
        let fields = r.decisions.map(\.field)
        for n in names where !n.isEmpty { #expect(!fields.contains { $0.contains(n) }) }
        #expect(!fields.contains { $0.contains("Ana") })
        for n in names { #expect(fields.contains(F.secret.memberDigest(of: n))) }
        #expect(fields.contains("visits[0]." + F.secret.memberDigest(of: "Ana Souza")))
        // 16 hex digits after '#', stable for one provider, unlinkable across providers.
        let digest = F.secret.memberDigest(of: "Ana Souza")
        #expect(digest.count == 17 && digest.first == "#")
        #expect(digest.dropFirst().allSatisfy { $0.isHexDigit })
        #expect(digest == F.secret.memberDigest(of: "Ana Souza"))
        let other = Pseudonymizer(serviceSecret: .init(data: Data(repeating: 7, count: 32)), providerID: "other")
        #expect(other.memberDigest(of: "Ana Souza") != digest)
        #expect(F.secret.memberDigest(of: "Ana Souza") != F.secret.pseudonym(of: "Ana Souza"))
    }

    @Test func nestedObjectsAndArraysWhereAScalarIsExpected() throws {
        let r = try F.engine.disclose(
            record: ["visits": "not an array", "name": ["first": "Ana"]], input: F.input(), pseudonymizer: F.secret)
        let byField = Dictionary(uniqueKeysWithValues: r.decisions.map { ($0.field, $0) })
        #expect(byField["visits"]?.reason == .unmappedField)
        // A mapped field whose value is an object is released whole under `release`.
        #expect(byField["name"]?.reason == .permitted)
        #expect(r.released["name"] == ["first": "Ana"])
    }

    @Test func decideWithoutValues() throws {
        let r = try F.engine.decide(
            fields: ["name", "visits[3].sud", "visits[].sud", "diagnosis", "bogus[", "phone"], input: F.input())
        #expect(r.decisions.map(\.reason) == [.permitted, .noConsent, .noConsent, .permitted, .unmappedField, .permitted])
        #expect(r.decisions[5].outcome == .transformed)
        #expect(r.decisions[5].transform == "mask:4")
    }

    @Test func withdrawalTakesEffectAtTheInstantItIsRecorded() throws {
        var consent = F.consent()
        let before = try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [consent])).0
        #expect(before.reason == .permitted)
        consent.withdrawnAt = F.now
        let after = try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [consent])).0
        #expect(after.reason == .consentWithdrawn)
        #expect(after.outcome == .withheld)
        #expect(after.basis == nil)
    }
}
