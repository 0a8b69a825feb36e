/// The demo bundle `discreet serve --demo` starts with: a clinic that outsources billing and debt
/// collection, written from the regimes in HIPAA, 42 CFR Part 2 and the GDPR. Its tests run at
/// every start, and `discreet policy demo` prints it as a starting point for a real bundle.
public enum DemoPolicy {
    public static let source = """
        # discreet demo policy: a clinic outsourcing billing and debt collection.
        version: demo-2026.1
        regimes:
          personal:                       # GDPR art. 28: a processor acts under a DPA
            consent: not-required
            citation: "GDPR art. 6(1)(b), art. 28"
            exceptions: [serious-threat, legal-obligation, medical-emergency]
          medical:                        # HIPAA: payment needs no authorization (164.506), a BAA does (164.502(e))
            consent: required
            recipient: any-contracted
            consent-exempt-purposes: [billing, debt-collection, emergency-care]
            agreement-types: [BAA]
            exceptions: [serious-threat, medical-emergency, legal-obligation]
            citation: "45 CFR 164.506, 164.502(e)"
          psychotherapy:                  # HIPAA 164.508(a)(2): authorization for almost every use
            consent: required
            recipient: named
            exceptions: [serious-threat]
            citation: "45 CFR 164.508(a)(2)"
          substance-use:                  # 42 CFR Part 2: named recipient, notice with every release
            consent: required
            recipient: named
            exceptions: [medical-emergency]
            notice: "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
            citation: "42 CFR 2.31"
            notice-citation: "42 CFR 2.32"
        exceptions:
          serious-threat:    { recipient-kinds: [authority, threatened-person], citation: "45 CFR 164.512(j)" }
          medical-emergency: { recipient-kinds: [medical-personnel], citation: "42 CFR 2.51" }
          legal-obligation:  { recipient-kinds: [authority, court], citation: "45 CFR 164.512(a)" }
        tags:
          part2-program: [substance-use]  # every field of a Part 2 program patient
        categories:
          identity.name: personal
          identity.birthdate: personal
          identity.national_id: personal
          contact.address: personal
          contact.postal_code: personal
          contact.phone: personal
          financial.amount_due: personal
          financial.invoice_number: personal
          financial.account_number: personal
          financial.collection_notes: personal
          health.diagnosis: medical
          health.procedure: medical
          health.psychotherapy_notes: psychotherapy
          health.substance_use: substance-use
        records:
          patient:
            name: identity.name
            birth_date: identity.birthdate
            national_id: identity.national_id
            address.street: contact.address
            address.city: contact.address
            address.postal_code: contact.postal_code
            phone: contact.phone
            amount_due: financial.amount_due
            invoice_number: financial.invoice_number
            account_number: financial.account_number
            collection_notes: financial.collection_notes
            diagnosis: health.diagnosis
            treatments[].code: health.procedure
            treatments[].substance_program: health.substance_use
            therapy_notes: health.psychotherapy_notes
        purposes:
          debt-collection:                # payment: not in a HIPAA accounting (164.528)
            accountable: false
            categories:
              identity.name: release
              identity.birthdate: { generalize: year }
              contact.address: release
              contact.postal_code: release
              contact.phone: { mask: 4 }
              financial.amount_due: release
              financial.invoice_number: release
              # A token in its place: the collector can say "account X unpaid" without knowing whose.
              financial.account_number: tokenize
              # Free text: identifiers found in it, and the record's own withheld values, removed.
              financial.collection_notes: { scrub: [EMAIL, PHONE, IBAN, CARD, US-SSN, FR-NIR, URL, IP] }
          billing:
            accountable: false
            categories:
              identity.name: release
              identity.birthdate: release
              identity.national_id: pseudonymize
              contact.address: release
              contact.postal_code: release
              financial.amount_due: release
              financial.invoice_number: release
              financial.account_number: tokenize
              health.diagnosis: release
              health.procedure: release
              health.substance_use: release
          emergency-care:
            identity.name: release
            identity.birthdate: release
            health.diagnosis: release
            health.procedure: release
            health.substance_use: release
          research:
            identity.birthdate: { generalize: year }
            identity.national_id: pseudonymize
            contact.postal_code: { generalize: { prefix: 3 } }
            health.diagnosis: release
        labels:                           # the accounting a person reads: names in their words
          categories:
            identity.name: your name
            identity.birthdate: your date of birth
            identity.national_id: your social security number
            contact.address: your postal address
            contact.postal_code: your postal code
            contact.phone: your phone number
            financial.amount_due: the amount you owe
            financial.invoice_number: the invoice number
            financial.account_number: your account number
            financial.collection_notes: notes on collecting the bill
            health.diagnosis: your diagnosis
            health.procedure: the care you received
            health.psychotherapy_notes: your therapist's notes
            health.substance_use: your addiction treatment
          purposes:
            debt-collection: collecting an unpaid bill
            billing: billing your care
            emergency-care: emergency care
            research: medical research
          providers:
            recouvra: Recouvra (a debt collection agency)
            facturo: Facturo (a medical billing service)
            urgences-nord: the emergency department of Hôpital Nord
        fixtures:
          providers:
            recouvra:
              kind: service-provider
              agreements:
                - { id: recouvra-dpa, type: DPA, purposes: [debt-collection],
                    categories: [identity.*, contact.*, financial.*], valid_from: 2025-01-01, valid_until: 2030-01-01 }
            facturo:
              kind: service-provider
              agreements:
                - { id: facturo-baa, type: BAA, purposes: [billing], categories: ["*"],
                    valid_from: 2025-01-01, valid_until: 2030-01-01 }
            urgences-nord:
              kind: medical-personnel
          subjects:
            p-2: { tags: [part2-program] }
            p-3: { restrictions: [{ provider: recouvra }] }
          consents:
            - { id: c-1, subject: p-4, provider: facturo, purposes: [billing], categories: [health.substance_use],
                granted_at: 2026-01-01, expires_at: 2027-01-01 }
        tests:
          - name: a debt collector never sees a diagnosis
            at: 2026-06-01T00:00:00Z
            request: { provider: recouvra, purpose: debt-collection, subject: p-1, record_type: patient,
                       record: { name: "Ana Souza", diagnosis: "F32.1", phone: "+33612345678", birth_date: "1984-02-29" } }
            expect: { name: released, diagnosis: withheld, phone: transformed, birth_date: transformed }
          - name: a debt collector gets the call notes without the numbers and the diagnosis in them
            at: 2026-06-01T00:00:00Z
            request: { provider: recouvra, purpose: debt-collection, subject: p-1, record_type: patient,
                       record: { diagnosis: "F32.1", phone: "+33612345678",
                                 collection_notes: "Called 06 12 34 56 78, pays by card 4970 1012 3456 7893; F32.1 follow-up" } }
            expect: { collection_notes: transformed, diagnosis: withheld }
            released: { phone: "********5678",
                        collection_notes: "Called [contact.phone], pays by card [CARD]; [health.diagnosis] follow-up" }
          - name: a debt collector refers to an account by a token, never by its number
            at: 2026-06-01T00:00:00Z
            request: { provider: recouvra, purpose: debt-collection, subject: p-1, record_type: patient,
                       record: { account_number: "FR76 3000 6000 0112 3456 7890 189" } }
            expect: { account_number: transformed }
            released: { account_number: "<token>" }
          - name: billing never needs psychotherapy notes (minimum necessary)
            at: 2026-06-01T00:00:00Z
            request: { provider: facturo, purpose: billing, subject: p-1, record_type: patient,
                       record: { therapy_notes: "session notes" } }
            expect: { therapy_notes: not-needed }
          - name: billing needs no consent for a diagnosis (HIPAA 164.506)
            at: 2026-06-01T00:00:00Z
            request: { provider: facturo, purpose: billing, subject: p-1, record_type: patient,
                       record: { diagnosis: "F32.1", national_id: "1840229123456" } }
            expect: { diagnosis: released, national_id: transformed }
          - name: substance use treatment needs a named consent (42 CFR 2.31)
            at: 2026-06-01T00:00:00Z
            request: { provider: facturo, purpose: billing, subject: p-1, record_type: patient,
                       record: { treatments: [{ code: "H0020", substance_program: "methadone" }] } }
            expect: { "treatments[0].code": released, "treatments[0].substance_program": no-consent }
          - name: with that consent it is released
            at: 2026-06-01T00:00:00Z
            request: { provider: facturo, purpose: billing, subject: p-4, record_type: patient,
                       record: { treatments: [{ substance_program: "methadone" }] } }
            expect: { "treatments[0].substance_program": released }
          - name: a Part 2 program patient's diagnosis needs consent even for billing
            at: 2026-06-01T00:00:00Z
            request: { provider: facturo, purpose: billing, subject: p-2, record_type: patient,
                       record: { diagnosis: "F11.20" } }
            expect: { diagnosis: no-consent }
          - name: a subject's restriction holds against an agreement
            at: 2026-06-01T00:00:00Z
            request: { provider: recouvra, purpose: debt-collection, subject: p-3, record_type: patient,
                       record: { name: "Ana Souza" } }
            expect: { name: restricted }
          - name: an emergency reaches medical personnel without an agreement
            at: 2026-06-01T00:00:00Z
            request: { provider: urgences-nord, purpose: emergency-care, subject: p-2, record_type: patient,
                       record: { name: "Ana Souza", treatments: [{ substance_program: "methadone" }] },
                       exception: { basis: medical-emergency, justification: "Unconscious patient admitted to the emergency room.",
                                    facts: "Overdose suspected; treating physician asked for the current programme." } }
            expect: { name: released, "treatments[0].substance_program": released }
          - name: the agreement has ended
            at: 2030-06-01T00:00:00Z
            request: { provider: recouvra, purpose: debt-collection, subject: p-1, record_type: patient,
                       record: { name: "Ana Souza" } }
            expect: { name: no-agreement }
        """
}
