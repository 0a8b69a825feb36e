extension Preset {
    /// A controller of special category data (health, genetic, biometric) under the GDPR.
    public static let gdprArt9 = Preset(
        name: "gdpr-art9",
        summary: "GDPR special categories: explicit consent, vital interests, processor contracts, access to recipients",
        rules: ["GDPR Art. 9(2)(a)", "GDPR Art. 9(2)(c)", "GDPR Art. 28", "GDPR Art. 15(1)(c)"],
        source: """
            # GDPR (Regulation (EU) 2016/679): a controller of health, genetic and biometric data.
            # A starting point written from the articles it cites, not legal advice: adapt it with counsel.
            version: gdpr-art9-2026.1
            regimes:
              personal-data:                  # a processor acts only under a contract (DPA)
                consent: not-required
                agreement-types: [DPA]
                exceptions: [vital-interests]
                citation: "GDPR Art. 28; GDPR Art. 6(1)(b); GDPR Art. 15(1)(c)"
              special-category:               # health, genetic, biometric: explicit consent
                consent: required
                recipient: named
                agreement-types: [DPA]
                exceptions: [vital-interests]
                citation: "GDPR Art. 9(1); GDPR Art. 9(2)(a); GDPR Art. 28"
            exceptions:
              vital-interests: { recipient-kinds: [medical-personnel], citation: "GDPR Art. 9(2)(c)" }
            categories:
              identity.name: personal-data
              identity.birthdate: personal-data
              contact.email: personal-data
              health.diagnosis: special-category
              health.genetic: special-category
              health.biometric: special-category
            records:
              patient:
                name: identity.name
                birth_date: identity.birthdate
                email: contact.email
                diagnosis: health.diagnosis
                genetic_result: health.genetic
                fingerprint_template: health.biometric
            purposes:                         # every recipient is in the person's accounting (Art. 15(1)(c))
              appointments:
                identity.name: release
                contact.email: release
              lab-analysis:
                identity.birthdate: { generalize: year }
                health.diagnosis: release
                health.genetic: release
              emergency-care:
                identity.name: release
                identity.birthdate: release
                health.diagnosis: release
            labels:
              categories:
                contact.email: your email address
                health.genetic: your genetic test results
                health.biometric: your fingerprint
              purposes:
                appointments: booking your appointments
                lab-analysis: laboratory analysis
            fixtures:
              providers:
                booking-eu:
                  kind: service-provider
                  agreements:
                    - { id: booking-dpa, type: DPA, purposes: [appointments], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                newsletter-tool:              # terms of service, no Art. 28 contract
                  kind: service-provider
                  agreements:
                    - { id: newsletter-tos, type: terms-of-service, purposes: [appointments], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                genelab:
                  kind: service-provider
                  agreements:
                    - { id: genelab-dpa, type: DPA, purposes: [lab-analysis], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                st-james-er:
                  kind: medical-personnel
              consents:
                - { id: eu-1-genelab, subject: eu-1, provider: genelab, purposes: [lab-analysis],
                    categories: [health.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: eu-2-anyone, subject: eu-2, provider: "*", purposes: [lab-analysis],
                    categories: [health.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "GDPR Art. 28 (triggers): a tool used without a processor contract gets nothing"
                at: 2026-06-01T00:00:00Z
                request: { provider: newsletter-tool, purpose: appointments, subject: eu-3, record_type: patient,
                           record: { name: "Aoife Byrne", email: "aoife@example.ie" } }
                expect: { name: no-agreement, email: no-agreement }
              - name: "GDPR Art. 28 (just misses): a processor under a DPA gets what the purpose needs"
                at: 2026-06-01T00:00:00Z
                request: { provider: booking-eu, purpose: appointments, subject: eu-3, record_type: patient,
                           record: { name: "Aoife Byrne", email: "aoife@example.ie", diagnosis: "E11" } }
                expect: { name: { outcome: released, basis: "agreement:booking-dpa" }, email: released,
                          diagnosis: not-needed }
              - name: "GDPR Art. 9(2)(a) (triggers): genetic data need the person's explicit consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: genelab, purpose: lab-analysis, subject: eu-3, record_type: patient,
                           record: { genetic_result: "BRCA1 c.68_69delAG" } }
                expect: { genetic_result: no-consent }
              - name: "GDPR Art. 9(2)(a) (triggers): a consent to any provider is not explicit about the recipient"
                at: 2026-06-01T00:00:00Z
                request: { provider: genelab, purpose: lab-analysis, subject: eu-2, record_type: patient,
                           record: { genetic_result: "BRCA1 c.68_69delAG" } }
                expect: { genetic_result: no-consent }
              - name: "GDPR Art. 9(2)(a) (just misses): with explicit consent naming the lab, they go"
                at: 2026-06-01T00:00:00Z
                request: { provider: genelab, purpose: lab-analysis, subject: eu-1, record_type: patient,
                           record: { genetic_result: "BRCA1 c.68_69delAG", birth_date: "1990-05-17" } }
                expect: { genetic_result: { outcome: released, basis: "consent:eu-1-genelab" }, birth_date: transformed }
              - name: "GDPR Art. 9(2)(c) (triggers): vital interests reach the emergency team without consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: st-james-er, purpose: emergency-care, subject: eu-3, record_type: patient,
                           record: { name: "Aoife Byrne", diagnosis: "E11" },
                           exception: { basis: vital-interests, justification: "Patient unconscious, cannot consent.",
                                        facts: "Hypoglycaemic coma; the ER asked for known conditions." } }
                expect: { name: released, diagnosis: { outcome: released, basis: "exception:vital-interests" } }
              - name: "GDPR Art. 9(2)(c) (just misses): vital interests do not reach a laboratory"
                at: 2026-06-01T00:00:00Z
                request: { provider: genelab, purpose: emergency-care, subject: eu-3, record_type: patient,
                           record: { diagnosis: "E11" },
                           exception: { basis: vital-interests, justification: "Patient unconscious, cannot consent.",
                                        facts: "The lab asked for the diagnosis." } }
                expect: { diagnosis: no-agreement }
              - name: "GDPR Art. 15(1)(c) (triggers): a disclosure to a processor is in the person's accounting"
                at: 2026-06-01T00:00:00Z
                request: { provider: booking-eu, purpose: appointments, subject: eu-3, record_type: patient,
                           record: { name: "Aoife Byrne" } }
                expect: { name: released }
                accountable: true
              - name: "GDPR Art. 15(1)(c) (just misses): no purpose is left out of it, not even an emergency"
                at: 2026-06-01T00:00:00Z
                request: { provider: st-james-er, purpose: emergency-care, subject: eu-3, record_type: patient,
                           record: { name: "Aoife Byrne" },
                           exception: { basis: vital-interests, justification: "Patient unconscious, cannot consent.",
                                        facts: "Hypoglycaemic coma." } }
                expect: { name: released }
                accountable: true
            """)
}
