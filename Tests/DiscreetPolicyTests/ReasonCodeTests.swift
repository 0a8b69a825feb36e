import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

/// Each reason code of DESIGN §3: a case that triggers it, and one that just misses it.
@Suite struct ReasonCodeTests {
    typealias F = Fixtures

    @Test func unmappedField() throws {
        #expect(try F.decide("nickname", "Ana", F.input()).0.reason == .unmappedField)
        #expect(try F.decide("name", "Ana", F.input()).0.reason == .permitted)
        // A flat key that poses as a nested path is not mapped.
        #expect(try F.decide("visits[].sud", "x", F.input()).0.reason == .unmappedField)
    }

    @Test func restricted() throws {
        let restricted = Subject(
            id: "s-1", restrictions: [Restriction(provider: "acme", category: CategoryPattern("identity.*"))])
        #expect(try F.decide("name", "Ana", F.input(subject: restricted)).0.reason == .restricted)
        let elsewhere = Subject(id: "s-1", restrictions: [Restriction(provider: "other")])
        #expect(try F.decide("name", "Ana", F.input(subject: elsewhere)).0.reason == .permitted)
        let otherCategory = Subject(
            id: "s-1", restrictions: [Restriction(provider: "acme", category: CategoryPattern("health.*"))])
        #expect(try F.decide("name", "Ana", F.input(subject: otherCategory)).0.reason == .permitted)
    }

    @Test func restrictionOutranksConsentAndAgreement() throws {
        let subject = Subject(id: "s-1", restrictions: [Restriction(purpose: "billing")])
        let d = try F.decide("diagnosis", "F32", F.input(subject: subject, consents: [F.consent()])).0
        #expect(d.reason == .restricted)
    }

    @Test func noAgreementAtTheEndOfItsValidity() throws {
        let ended = F.provider(agreements: [F.agreement(until: F.now)])
        #expect(try F.decide("name", "Ana", F.input(provider: ended)).0.reason == .noAgreement)
        let lastSecond = F.provider(agreements: [F.agreement(until: F.now.addingTimeInterval(1))])
        #expect(try F.decide("name", "Ana", F.input(provider: lastSecond)).0.reason == .permitted)
        let notYet = F.provider(agreements: [F.agreement(from: F.now.addingTimeInterval(1))])
        #expect(try F.decide("name", "Ana", F.input(provider: notYet)).0.reason == .noAgreement)
        let fromNow = F.provider(agreements: [F.agreement(from: F.now)])
        #expect(try F.decide("name", "Ana", F.input(provider: fromNow)).0.reason == .permitted)
    }

    @Test func noAgreementCoveringPurposeCategoryOrType() throws {
        let otherPurpose = F.provider(agreements: [F.agreement(purposes: ["research"])])
        #expect(try F.decide("name", "Ana", F.input(provider: otherPurpose)).0.reason == .noAgreement)
        let otherCategory = F.provider(agreements: [F.agreement(categories: ["health.*"])])
        #expect(try F.decide("name", "Ana", F.input(provider: otherCategory)).0.reason == .noAgreement)
        #expect(try F.decide("diagnosis", "F32", F.input(provider: otherCategory)).0.reason == .permitted)
        // The medical regime accepts only a BAA.
        let dpa = F.provider(agreements: [F.agreement(type: "DPA")])
        #expect(try F.decide("diagnosis", "F32", F.input(provider: dpa)).0.reason == .noAgreement)
        #expect(try F.decide("name", "Ana", F.input(provider: dpa)).0.reason == .permitted)
        // An unknown provider fails closed.
        #expect(try F.decide("name", "Ana", F.input(provider: nil)).0.reason == .noAgreement)
    }

    @Test func notNeeded() throws {
        #expect(try F.decide("name", "Ana", F.input(purpose: "research")).0.reason == .notNeeded)
        #expect(try F.decide("birth", "1990-01-01", F.input(purpose: "research")).0.reason == .permitted)
    }

    @Test func conflictOfInterest() throws {
        let conflicted = F.provider(competitorsOf: ["s-1"])
        let plain = F.consent(purposes: ["research"])
        #expect(
            try F.decide("formula", "x", F.input(purpose: "research", provider: conflicted, consents: [plain])).0.reason
                == .conflictOfInterest)
        let acknowledged = F.consent(purposes: ["research"], acknowledgesConflict: true)
        #expect(
            try F.decide("formula", "x", F.input(purpose: "research", provider: conflicted, consents: [acknowledged])).0.reason
                == .permitted)
        let otherSubject = F.provider(competitorsOf: ["s-2"])
        #expect(
            try F.decide("formula", "x", F.input(purpose: "research", provider: otherSubject, consents: [plain])).0.reason
                == .permitted)
        // Only regimes that guard competitors care.
        #expect(try F.decide("birth", "1990-01-01", F.input(purpose: "research", provider: conflicted)).0.reason == .permitted)
        // An acknowledgement that has expired does not count.
        let expired = F.consent(purposes: ["research"], expires: F.now, acknowledgesConflict: true)
        #expect(
            try F.decide("formula", "x", F.input(purpose: "research", provider: conflicted, consents: [expired])).0.reason
                == .conflictOfInterest)
    }

    @Test func noConsent() throws {
        let d = try F.decide("diagnosis", "F32", F.input(purpose: "research")).0
        #expect(d.reason == .noConsent)
        let ok = try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [F.consent(id: "c-9")])).0
        #expect(ok.reason == .permitted)
        #expect(ok.basis == "consent:c-9")
        // A consent for another purpose or category does not cover.
        let narrow = F.consent(purposes: ["billing"])
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [narrow])).0.reason == .noConsent)
        let otherCategory = F.consent(categories: ["health.sud"])
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [otherCategory])).0.reason == .noConsent)
        // Not yet in force.
        let future = F.consent(granted: F.now.addingTimeInterval(1))
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [future])).0.reason == .noConsent)
    }

    @Test func consentExpired() throws {
        let expired = F.consent(expires: F.now)
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [expired])).0.reason == .consentExpired)
        let lastSecond = F.consent(expires: F.now.addingTimeInterval(1))
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [lastSecond])).0.reason == .permitted)
    }

    @Test func consentWithdrawn() throws {
        let withdrawn = F.consent(withdrawn: F.now)
        #expect(
            try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [withdrawn])).0.reason == .consentWithdrawn)
        let later = F.consent(withdrawn: F.now.addingTimeInterval(1))
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [later])).0.reason == .permitted)
        // Withdrawn outranks expired when both exist; an active one outranks both.
        let both = [F.consent(id: "a", expires: F.now), F.consent(id: "b", withdrawn: F.now)]
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: both)).0.reason == .consentWithdrawn)
        let active = both + [F.consent(id: "c")]
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: active)).0.basis == "consent:c")
    }

    @Test func consentExemptPurpose() throws {
        let d = try F.decide("diagnosis", "F32", F.input(purpose: "billing")).0
        #expect(d.reason == .permitted)
        #expect(d.basis == "agreement:ag-1")
    }

    @Test func anyContractedProviderOnlyWhereTheRegimeAllows() throws {
        let any = F.consent(provider: Consent.anyProvider)
        #expect(try F.decide("diagnosis", "F32", F.input(purpose: "research", consents: [any])).0.reason == .permitted)
        // The substance-use regime wants the provider named.
        let sud = try F.engine.disclose(
            record: ["visits": [["sud": "x"]]], input: F.input(purpose: "billing", consents: [any]), pseudonymizer: F.secret)
        #expect(sud.decisions.first?.reason == .noConsent)
        let named = try F.engine.disclose(
            record: ["visits": [["sud": "x"]]], input: F.input(purpose: "billing", consents: [F.consent()]),
            pseudonymizer: F.secret)
        #expect(named.decisions.first?.reason == .permitted)
        #expect(named.notices == ["No redisclosure."])
    }

    @Test func untransformable() throws {
        #expect(try F.decide("birth", "not a date", F.input()).0.reason == .untransformable)
        #expect(try F.decide("birth", "2023-02-29", F.input()).0.reason == .untransformable)
        let (ok, value) = try F.decide("birth", "2024-02-29", F.input())
        #expect(ok.outcome == .transformed)
        #expect(value == "2024-02")
        #expect(try F.decide("phone", ["+33", "6"], F.input()).0.reason == .untransformable)
        #expect(try F.decide("ssn", true, F.input()).0.reason == .untransformable)
    }

    @Test func everyReasonCodeIsCovered() {
        // Guard: a new reason code needs a test above.
        #expect(ReasonCode.allCases.count == 10)
    }
}
