import DiscreetJSON
import DiscreetPolicy
import Foundation
import Testing

/// A small bundle with one regime of each shape, for the engine's tests.
enum Fixtures {
    static let bundleSource = """
        version: t1
        regimes:
          open: { consent: not-required, exceptions: [serious-threat] }
          medical: { consent: required, recipient: any-contracted, consent-exempt-purposes: [billing],
                     agreement-types: [BAA], exceptions: [serious-threat, medical-emergency] }
          sud: { consent: required, recipient: named, exceptions: [medical-emergency], notice: "No redisclosure." }
          secret: { consent: required, recipient: named, guards-competitors: true }
        exceptions:
          serious-threat: { recipient-kinds: [authority] }
          medical-emergency: { recipient-kinds: [medical-personnel] }
        tags:
          part2: [sud]
        categories:
          identity.name: open
          identity.birthdate: open
          contact.phone: open
          contact.zip: open
          financial.balance: open
          identity.ssn: open
          health.diagnosis: medical
          health.sud: sud
          business.formula: secret
        records:
          patient:
            name: identity.name
            birth: identity.birthdate
            phone: contact.phone
            zip: contact.zip
            balance: financial.balance
            ssn: identity.ssn
            diagnosis: health.diagnosis
            visits[].sud: health.sud
            formula: business.formula
            address: contact.zip
        purposes:
          billing:
            identity.name: release
            identity.birthdate: { generalize: month }
            contact.phone: { mask: 4 }
            contact.zip: { generalize: { prefix: 3 } }
            financial.balance: { generalize: { band: 100 } }
            identity.ssn: pseudonymize
            health.diagnosis: release
            health.sud: release
          research:
            identity.birthdate: { generalize: year }
            health.diagnosis: release
            business.formula: release
        """

    static let bundle: PolicyBundle = try! BundleParser.parse(bundleSource)
    static let engine = DecisionEngine(bundle: bundle)
    static let now = RFC3339.parse("2026-06-01T12:00:00Z")!
    static let secret = Pseudonymizer(serviceSecret: .init(data: Data(repeating: 7, count: 32)), providerID: "acme")

    static func agreement(
        type: String = "BAA", purposes: Set<String> = ["billing", "research"], categories: [String] = ["*"],
        from: Date = now.addingTimeInterval(-86_400), until: Date = now.addingTimeInterval(86_400)
    ) -> Agreement {
        Agreement(
            id: "ag-1", type: type, purposes: purposes, categories: categories.map(CategoryPattern.init), validFrom: from,
            validUntil: until)
    }

    static func provider(
        kind: String = "service-provider", agreements: [Agreement] = [agreement()], competitorsOf: Set<String> = []
    )
        -> Provider
    {
        Provider(id: "acme", kind: kind, agreements: agreements, servesCompetitorsOf: competitorsOf)
    }

    static func consent(
        id: String = "c-1", provider: String = "acme", purposes: Set<String> = ["billing", "research"],
        categories: [String] = ["*"],
        granted: Date = now.addingTimeInterval(-3600), expires: Date = now.addingTimeInterval(3600), withdrawn: Date? = nil,
        acknowledgesConflict: Bool = false
    ) -> Consent {
        Consent(
            id: id, subject: "s-1", provider: provider, purposes: purposes, categories: categories.map(CategoryPattern.init),
            grantedAt: granted, expiresAt: expires, withdrawnAt: withdrawn, acknowledgesConflict: acknowledgesConflict)
    }

    static func input(
        purpose: String = "billing", provider: Provider? = provider(), subject: Subject? = nil, consents: [Consent] = [],
        exception: ExceptionInvocation? = nil, tags: Set<String> = []
    ) -> DecisionInput {
        DecisionInput(
            providerID: "acme", purpose: purpose, subjectID: "s-1", recordType: "patient", recordTags: tags, provider: provider,
            subject: subject, consents: consents, exception: exception, time: now)
    }

    /// The decision on one field of a one-field record.
    static func decide(_ field: String, _ value: JSONValue, _ input: DecisionInput) throws -> (FieldDecision, JSONValue?) {
        let result = try engine.disclose(record: JSONObject([(field, value)]), input: input, pseudonymizer: secret)
        let d = try #require(result.decisions.first)
        return (d, result.released[field])
    }

    static let threat = ExceptionInvocation(basis: "serious-threat", justification: "A credible threat.", facts: "Facts.")
    static let emergency = ExceptionInvocation(basis: "medical-emergency", justification: "Unconscious.", facts: "ER.")
}
