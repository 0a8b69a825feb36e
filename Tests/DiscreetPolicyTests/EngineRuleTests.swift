import DiscreetJSON
import Foundation
import Testing

@testable import DiscreetPolicy

/// Three rules of the engine that only the randomized differential test used to catch, each with
/// a case that triggers it and one that just misses it.
@Suite struct EngineRuleTests {
    static let bundle = try! BundleParser.parse(
        """
        version: rules
        regimes:
          open: { consent: not-required }
          noticed: { consent: not-required, notice: "Handle with care." }
          contracted: { consent: not-required, agreement-types: [BAA] }
          named: { consent: required, recipient: named }
        exceptions: {}
        tags:
          careful: [noticed]
          baa-only: [contracted]
          strict: [named]
        categories:
          contact.phone: open
          health.note: noticed
        records:
          r: { phone: contact.phone, note: health.note }
        purposes:
          billing: { contact.phone: { mask: 2 }, health.note: release }
        """)

    static func decide(
        _ record: JSONObject, agreementType: String = "DPA", subjectTags: Set<String> = [], recordTags: Set<String> = [],
        consents: [Consent] = []
    ) throws -> DisclosureResult {
        let now = Fixtures.now
        let provider = Provider(
            id: "acme", kind: "service-provider",
            agreements: [
                Agreement(
                    id: "ag", type: agreementType, purposes: ["billing"], categories: [CategoryPattern("*")],
                    validFrom: now.addingTimeInterval(-60), validUntil: now.addingTimeInterval(60))
            ])
        let input = DecisionInput(
            providerID: "acme", purpose: "billing", subjectID: "s-1", recordType: "r", recordTags: recordTags,
            provider: provider, subject: Subject(id: "s-1", tags: subjectTags), consents: consents, exception: nil, time: now)
        return try DecisionEngine(bundle: bundle).disclose(record: record, input: input, pseudonymizer: Fixtures.secret)
    }

    /// A regime's notice travels with a field that left transformed, not only with one released as is.
    @Test func aTransformedFieldCarriesItsRegimesNotice() throws {
        let masked = try Self.decide(["phone": "0612345678"], recordTags: ["careful"])
        #expect(masked.decisions.first?.outcome == .transformed)
        #expect(masked.notices == ["Handle with care."])
        // Just missed: without the tag the phone's regime has no notice.
        #expect(try Self.decide(["phone": "0612345678"]).notices == [])
    }

    /// A withheld field carries no notice: nothing of it left.
    @Test func aWithheldFieldCarriesNoNotice() throws {
        let withheld = try Self.decide(["note": "x"], recordTags: ["strict"])
        #expect(withheld.decisions.first?.reason == .noConsent)
        #expect(withheld.notices == [])
    }

    /// The subject's tags and a single record tag both apply: the subject's `strict` wants a
    /// consent and the record's `careful` adds a notice.
    @Test func theSubjectsTagsCombineWithASingleRecordTag() throws {
        let both = try Self.decide(["phone": "0612345678"], subjectTags: ["strict"], recordTags: ["careful"])
        #expect(both.decisions.first?.reason == .noConsent)
        let consent = Consent(
            id: "c", subject: "s-1", provider: "acme", purposes: ["billing"], categories: [CategoryPattern("contact.phone")],
            grantedAt: Fixtures.now.addingTimeInterval(-60), expiresAt: Fixtures.now.addingTimeInterval(60))
        let consented = try Self.decide(
            ["phone": "0612345678"], subjectTags: ["strict"], recordTags: ["careful"], consents: [consent])
        #expect(consented.decisions.first?.basis == "consent:c")
        #expect(consented.notices == ["Handle with care."])
        // Just missed: the record's tag alone asks for no consent.
        #expect(try Self.decide(["phone": "0612345678"], recordTags: ["careful"]).decisions.first?.reason == .permitted)
    }

    /// Every regime of a field must accept the agreement's type: the tag's regime takes only a
    /// BAA, so a DPA that covers everything is no agreement for this field.
    @Test func everyRegimeOfAFieldMustAcceptTheAgreementsType() throws {
        let dpa = try Self.decide(["phone": "0612345678"], recordTags: ["baa-only"])
        #expect(dpa.decisions.first?.reason == .noAgreement)
        let baa = try Self.decide(["phone": "0612345678"], agreementType: "BAA", recordTags: ["baa-only"])
        #expect(baa.decisions.first?.reason == .permitted)
        #expect(baa.decisions.first?.basis == "agreement:ag")
        // Just missed: the category's own regime accepts any type.
        #expect(try Self.decide(["phone": "0612345678"]).decisions.first?.reason == .permitted)
    }
}
