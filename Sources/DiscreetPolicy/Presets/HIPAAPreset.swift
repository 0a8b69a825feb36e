extension Preset {
    /// A covered entity and its business associates under the HIPAA Privacy Rule.
    public static let hipaa = Preset(
        name: "hipaa",
        summary: "HIPAA Privacy Rule: minimum necessary, payment and operations, BAAs, psychotherapy notes, serious threat",
        rules: [
            "45 CFR 164.502(b)", "45 CFR 164.502(e)", "45 CFR 164.506", "45 CFR 164.508(a)(2)", "45 CFR 164.512(j)",
            "45 CFR 164.528",
        ],
        source: """
            # HIPAA Privacy Rule (45 CFR Part 164, Subpart E): a covered entity and its business associates.
            # A starting point written from the rules it cites, not legal advice: adapt it with counsel.
            version: hipaa-2026.1
            regimes:
              phi:                            # protected health information
                consent: required
                recipient: any-contracted
                consent-exempt-purposes: [treatment, payment, operations]
                agreement-types: [BAA, treatment]
                exceptions: [serious-threat]
                citation: "45 CFR 164.506; 45 CFR 164.502(e); 45 CFR 164.502(b); 45 CFR 164.528"
              psychotherapy:                  # an authorization for almost every use, payment included
                consent: required
                recipient: named
                agreement-types: [BAA, treatment]
                exceptions: [serious-threat]
                citation: "45 CFR 164.508(a)(2)"
            exceptions:
              serious-threat: { recipient-kinds: [authority, threatened-person], citation: "45 CFR 164.512(j)" }
            categories:
              identity.name: phi
              identity.birthdate: phi
              identity.ssn: phi
              contact.address: phi
              contact.phone: phi
              billing.amount_due: phi
              billing.insurance_id: phi
              health.diagnosis: phi
              health.procedure: phi
              health.psychotherapy_notes: psychotherapy
            records:
              patient:
                name: identity.name
                birth_date: identity.birthdate
                ssn: identity.ssn
                address: contact.address
                phone: contact.phone
                amount_due: billing.amount_due
                insurance_id: billing.insurance_id
                diagnosis: health.diagnosis
                procedures[].code: health.procedure
                psychotherapy_notes: health.psychotherapy_notes
            purposes:                         # minimum necessary (164.502(b)): what each purpose needs
              treatment:                      # 164.506(c)(2); not in an accounting (164.528(a)(1)(i))
                accountable: false
                categories:
                  identity.name: release
                  identity.birthdate: release
                  contact.phone: release
                  health.diagnosis: release
                  health.procedure: release
                  health.psychotherapy_notes: release
              payment:                        # 164.506(c)(1); not in an accounting
                accountable: false
                categories:
                  identity.name: release
                  identity.birthdate: release
                  identity.ssn: { mask: 4 }
                  contact.address: release
                  billing.amount_due: release
                  billing.insurance_id: release
                  health.diagnosis: release
                  health.procedure: release
              operations:                     # 164.506(c)(1): quality review, hosting; not in an accounting
                accountable: false
                categories:
                  identity.name: release
                  identity.birthdate: { generalize: year }
                  health.diagnosis: release
                  health.procedure: release
              research:                       # needs an authorization here; disclosures under one are not accounted
                accountable: false
                categories:
                  identity.birthdate: { generalize: year }
                  health.diagnosis: release
                  health.procedure: release
              public-safety:                  # 164.512(j): in the patient's accounting (164.528)
                categories:
                  identity.name: release
                  contact.address: release
                  contact.phone: release
                  health.diagnosis: release
            labels:
              categories:
                identity.name: your name
                identity.birthdate: your date of birth
                identity.ssn: your social security number
                contact.address: your address
                contact.phone: your phone number
                billing.amount_due: the amount you owe
                billing.insurance_id: your insurance member number
                health.diagnosis: your diagnosis
                health.procedure: the care you received
                health.psychotherapy_notes: your therapist's notes
              purposes:
                treatment: your treatment
                payment: payment for your care
                operations: running the practice
                research: research
                public-safety: preventing a serious threat to health or safety
            fixtures:
              providers:
                claims-clearinghouse:
                  kind: service-provider
                  agreements:
                    - { id: claims-baa, type: BAA, purposes: [payment], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                quality-reviewer:
                  kind: service-provider
                  agreements:
                    - { id: quality-baa, type: BAA, purposes: [operations], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                it-vendor:                    # a contract, but no business associate agreement
                  kind: service-provider
                  agreements:
                    - { id: it-msa, type: MSA, purposes: [operations], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                research-lab:
                  kind: service-provider
                  agreements:
                    - { id: lab-baa, type: BAA, purposes: [research], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                dr-lee:                       # another provider treating the patient
                  kind: medical-personnel
                  agreements:
                    - { id: lee-referral, type: treatment, purposes: [treatment], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                county-police:
                  kind: authority
                payroll-service:
                  kind: service-provider
              consents:
                - { id: auth-notes, subject: p-3, provider: dr-lee, purposes: [treatment],
                    categories: [health.psychotherapy_notes], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: auth-any, subject: p-4, provider: "*", purposes: [treatment],
                    categories: [health.psychotherapy_notes], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "45 CFR 164.502(b) (triggers): a claims clearinghouse is not given the phone number payment does not need"
                at: 2026-06-01T00:00:00Z
                request: { provider: claims-clearinghouse, purpose: payment, subject: p-1, record_type: patient,
                           record: { phone: "+1 555 0100" } }
                expect: { phone: not-needed }
              - name: "45 CFR 164.502(b) (just misses): the amount due, which payment needs, is released"
                at: 2026-06-01T00:00:00Z
                request: { provider: claims-clearinghouse, purpose: payment, subject: p-1, record_type: patient,
                           record: { amount_due: "120.00", ssn: "123-45-6789" } }
                expect: { amount_due: released, ssn: transformed }
                released: { amount_due: "120.00", ssn: "*******6789" }
              - name: "45 CFR 164.506 (triggers): a diagnosis goes for payment without an authorization"
                at: 2026-06-01T00:00:00Z
                request: { provider: claims-clearinghouse, purpose: payment, subject: p-1, record_type: patient,
                           record: { diagnosis: "F32.1" } }
                expect: { diagnosis: { outcome: released, basis: "agreement:claims-baa" } }
              - name: "45 CFR 164.506 (just misses): research is not payment or operations, and needs an authorization"
                at: 2026-06-01T00:00:00Z
                request: { provider: research-lab, purpose: research, subject: p-1, record_type: patient,
                           record: { diagnosis: "F32.1" } }
                expect: { diagnosis: no-consent }
              - name: "45 CFR 164.502(e) (triggers): an IT vendor without a business associate agreement gets nothing"
                at: 2026-06-01T00:00:00Z
                request: { provider: it-vendor, purpose: operations, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza", diagnosis: "F32.1" } }
                expect: { name: no-agreement, diagnosis: no-agreement }
              - name: "45 CFR 164.502(e) (just misses): a reviewer under a BAA gets what operations need"
                at: 2026-06-01T00:00:00Z
                request: { provider: quality-reviewer, purpose: operations, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza", birth_date: "1984-02-29" } }
                expect: { name: { outcome: released, basis: "agreement:quality-baa" }, birth_date: transformed }
                released: { name: "Ana Souza", birth_date: "1984" }
              - name: "45 CFR 164.508(a)(2) (triggers): psychotherapy notes need an authorization even for treatment"
                at: 2026-06-01T00:00:00Z
                request: { provider: dr-lee, purpose: treatment, subject: p-1, record_type: patient,
                           record: { diagnosis: "F32.1", psychotherapy_notes: "session notes" } }
                expect: { diagnosis: released, psychotherapy_notes: no-consent }
              - name: "45 CFR 164.508(a)(2) (triggers): an authorization for any provider does not name the recipient"
                at: 2026-06-01T00:00:00Z
                request: { provider: dr-lee, purpose: treatment, subject: p-4, record_type: patient,
                           record: { psychotherapy_notes: "session notes" } }
                expect: { psychotherapy_notes: no-consent }
              - name: "45 CFR 164.508(a)(2) (just misses): with an authorization naming the recipient, the notes go"
                at: 2026-06-01T00:00:00Z
                request: { provider: dr-lee, purpose: treatment, subject: p-3, record_type: patient,
                           record: { psychotherapy_notes: "session notes" } }
                expect: { psychotherapy_notes: { outcome: released, basis: "consent:auth-notes" } }
              - name: "45 CFR 164.512(j) (triggers): a serious threat is reported to the police without consent or contract"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-police, purpose: public-safety, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza", address: "1 Main St", diagnosis: "F32.1" },
                           exception: { basis: serious-threat, justification: "Threat to harm a named person.",
                                        facts: "Patient stated a plan to harm a coworker today." } }
                expect: { name: { outcome: released, basis: "exception:serious-threat" }, address: released,
                          diagnosis: released }
                accountable: true
              - name: "45 CFR 164.512(j) (just misses): the exception does not reach an employer's payroll service"
                at: 2026-06-01T00:00:00Z
                request: { provider: payroll-service, purpose: public-safety, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza", diagnosis: "F32.1" },
                           exception: { basis: serious-threat, justification: "Threat to harm a named person.",
                                        facts: "Patient stated a plan to harm a coworker today." } }
                expect: { name: no-agreement, diagnosis: no-agreement }
              - name: "45 CFR 164.528 (triggers): a disclosure to avert a threat is in the patient's accounting"
                at: 2026-06-01T00:00:00Z
                request: { provider: county-police, purpose: public-safety, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza" },
                           exception: { basis: serious-threat, justification: "Threat to harm a named person.",
                                        facts: "Patient stated a plan to harm a coworker today." } }
                expect: { name: released }
                accountable: true
              - name: "45 CFR 164.528 (just misses): a disclosure for payment is left out of it"
                at: 2026-06-01T00:00:00Z
                request: { provider: claims-clearinghouse, purpose: payment, subject: p-1, record_type: patient,
                           record: { name: "Ana Souza" } }
                expect: { name: released }
                accountable: false
            """)
}
