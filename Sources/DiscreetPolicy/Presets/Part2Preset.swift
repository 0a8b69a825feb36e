extension Preset {
    /// A federally assisted substance use disorder program under 42 CFR Part 2.
    public static let part2 = Preset(
        name: "part2",
        summary: "42 CFR Part 2: written consent naming the recipient, the redisclosure notice, QSOs, medical emergencies",
        rules: ["42 CFR 2.31", "42 CFR 2.32", "42 CFR 2.51", "42 CFR 2.12(c)(4)"],
        source: """
            # 42 CFR Part 2: the records of a substance use disorder program.
            # Tag each program patient `part2-program` (fixtures' subjects, or the subject's tags in the
            # store): every field about that patient then falls under `substance-use` as well.
            # A starting point written from the rules it cites, not legal advice: adapt it with counsel.
            version: part2-2026.1
            regimes:
              patient-record:                 # a patient outside the program: Part 2 does not apply
                consent: not-required
                exceptions: [medical-emergency]
                citation: "42 CFR 2.12(a)"
              substance-use:
                consent: required
                recipient: named
                consent-exempt-purposes: [qso-services]
                exceptions: [medical-emergency]
                notice: "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
                citation: "42 CFR 2.31; 42 CFR 2.12(c)(4)"
                notice-citation: "42 CFR 2.32"
            exceptions:
              medical-emergency: { recipient-kinds: [medical-personnel], citation: "42 CFR 2.51" }
            tags:
              part2-program: [substance-use]
            categories:
              identity.name: patient-record
              identity.birthdate: patient-record
              contact.address: patient-record
              billing.amount_due: patient-record
              health.substance_use: substance-use
            records:
              patient:
                name: identity.name
                birth_date: identity.birthdate
                address: contact.address
                amount_due: billing.amount_due
                sud_treatment: health.substance_use
            purposes:
              treatment:
                identity.name: release
                identity.birthdate: release
                health.substance_use: release
              qso-services:                   # a qualified service organization serving the program
                identity.name: release
                contact.address: release
                billing.amount_due: release
                health.substance_use: release
              emergency-care:
                identity.name: release
                identity.birthdate: release
                health.substance_use: release
            labels:
              categories:
                health.substance_use: your substance use treatment
              purposes:
                qso-services: services to your treatment programme
                emergency-care: emergency care
            fixtures:
              providers:
                county-clinic:
                  kind: medical-personnel
                  agreements:
                    - { id: county-referral, type: treatment, purposes: [treatment], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                program-billing-qso:
                  kind: service-provider
                  agreements:
                    - { id: billing-qsoa, type: QSOA, purposes: [qso-services], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                mercy-er:
                  kind: medical-personnel
                employer-hr:
                  kind: service-provider
              subjects:
                sud-1: { tags: [part2-program] }
                sud-2: { tags: [part2-program] }
              consents:
                - { id: sud-1-county, subject: sud-1, provider: county-clinic, purposes: [treatment],
                    categories: [identity.*, health.substance_use], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: sud-2-anyone, subject: sud-2, provider: "*", purposes: [treatment],
                    categories: [identity.*, health.substance_use], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "42 CFR 2.31 (triggers): a consent to any provider does not name the recipient"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-clinic, purpose: treatment, subject: sud-2, record_type: patient,
                           record: { name: "Sam Reed", sud_treatment: "methadone" } }
                expect: { name: no-consent, sud_treatment: no-consent }
              - name: "42 CFR 2.31 (just misses): a written consent naming the clinic lets the records go"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-clinic, purpose: treatment, subject: sud-1, record_type: patient,
                           record: { name: "Sam Reed", sud_treatment: "methadone" } }
                expect: { name: released, sud_treatment: { outcome: released, basis: "consent:sud-1-county" } }
              - name: "42 CFR 2.32 (triggers): a release under consent carries the redisclosure notice"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-clinic, purpose: treatment, subject: sud-1, record_type: patient,
                           record: { sud_treatment: "methadone" } }
                expect: { sud_treatment: released }
                notices: ["42 CFR part 2 prohibits unauthorized use or disclosure of these records."]
              - name: "42 CFR 2.32 (just misses): a patient outside the program gets no Part 2 notice"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-clinic, purpose: treatment, subject: outside-1, record_type: patient,
                           record: { name: "Lee Moss" } }
                expect: { name: released }
                notices: []
              - name: "42 CFR 2.51 (triggers): in a medical emergency the records reach the treating physicians"
                at: 2026-06-01T00:00:00Z
                request: { provider: mercy-er, purpose: emergency-care, subject: sud-2, record_type: patient,
                           record: { sud_treatment: "methadone" },
                           exception: { basis: medical-emergency, justification: "Patient unconscious in the ER.",
                                        facts: "Overdose suspected; the ER physician asked for the current programme." } }
                expect: { sud_treatment: { outcome: released, basis: "exception:medical-emergency" } }
              - name: "42 CFR 2.51 (just misses): an emergency does not open the records to an employer"
                at: 2026-06-01T00:00:00Z
                request: { provider: employer-hr, purpose: emergency-care, subject: sud-2, record_type: patient,
                           record: { sud_treatment: "methadone" },
                           exception: { basis: medical-emergency, justification: "Patient unconscious at work.",
                                        facts: "HR asked what the patient takes." } }
                expect: { sud_treatment: no-agreement }
              - name: "42 CFR 2.12(c)(4) (triggers): a QSO serving the program needs no patient consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: program-billing-qso, purpose: qso-services, subject: sud-2, record_type: patient,
                           record: { sud_treatment: "methadone" } }
                expect: { sud_treatment: { outcome: released, basis: "agreement:billing-qsoa" } }
              - name: "42 CFR 2.12(c)(4) (just misses): the QSOA covers services to the program, not treatment elsewhere"
                at: 2026-06-01T00:00:00Z
                request: { provider: program-billing-qso, purpose: treatment, subject: sud-2, record_type: patient,
                           record: { sud_treatment: "methadone" } }
                expect: { sud_treatment: no-agreement }
            """)
}
