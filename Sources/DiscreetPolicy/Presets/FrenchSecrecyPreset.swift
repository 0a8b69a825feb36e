extension Preset {
    /// A French professional bound by secrecy (a doctor, a clinic), under the Code pénal and the
    /// Code de la santé publique.
    public static let frenchSecrecy = Preset(
        name: "fr-secret-pro",
        summary: "French professional secrecy: Code pénal 226-13 and 226-14, the care team of L1110-4",
        rules: ["Code pénal art. 226-13", "Code pénal art. 226-14", "Code de la santé publique art. L1110-4"],
        source: """
            # Secret professionnel: Code pénal art. 226-13 et 226-14, Code de la santé publique art. L1110-4.
            # A starting point written from the texts it cites, not legal advice: adapt it with counsel.
            version: fr-secret-pro-2026.1
            regimes:
              secret-professionnel:           # revealing a secret is an offence, unless the person agrees
                consent: required
                recipient: named
                consent-exempt-purposes: [equipe-de-soins]
                agreement-types: [equipe-de-soins, convention]
                exceptions: [signalement, danger-grave]
                citation: "Code pénal art. 226-13; Code de la santé publique art. L1110-4"
            exceptions:
              signalement: { recipient-kinds: [authority], citation: "Code pénal art. 226-14 1° et 2°" }
              danger-grave: { recipient-kinds: [authority], citation: "Code pénal art. 226-14 3°" }
            categories:
              identity.name: secret-professionnel
              identity.birthdate: secret-professionnel
              contact.address: secret-professionnel
              health.diagnosis: secret-professionnel
              health.procedure: secret-professionnel
            records:
              patient:
                nom: identity.name
                date_de_naissance: identity.birthdate
                adresse: contact.address
                diagnostic: health.diagnosis
                actes[].code: health.procedure
            purposes:
              equipe-de-soins:                # sharing within the care team (L1110-4 II)
                identity.name: release
                identity.birthdate: release
                health.diagnosis: release
                health.procedure: release
              assurance:
                identity.name: release
                identity.birthdate: release
                health.procedure: release
              signalement:
                identity.name: release
                contact.address: release
                health.diagnosis: release
            labels:
              categories:
                identity.name: votre nom
                identity.birthdate: votre date de naissance
                contact.address: votre adresse
                health.diagnosis: votre diagnostic
                health.procedure: les soins reçus
              purposes:
                equipe-de-soins: votre prise en charge par l'équipe de soins
                assurance: votre assurance
                signalement: un signalement aux autorités
            fixtures:
              providers:
                dr-martin:                    # a member of the patient's care team
                  kind: medical-personnel
                  agreements:
                    - { id: equipe-martin, type: equipe-de-soins, purposes: [equipe-de-soins], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                mutuelle-centrale:            # an insurer: outside the care team
                  kind: service-provider
                  agreements:
                    - { id: mutuelle-convention, type: convention, purposes: [assurance], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                procureur-lyon:
                  kind: authority
                employeur:
                  kind: service-provider
              consents:
                - { id: fr-1-mutuelle, subject: fr-1, provider: mutuelle-centrale, purposes: [assurance],
                    categories: ["*"], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "Code pénal art. 226-13 (triggers): an insurer learns nothing without the patient's agreement"
                at: 2026-06-01T00:00:00Z
                request: { provider: mutuelle-centrale, purpose: assurance, subject: fr-2, record_type: patient,
                           record: { nom: "Claire Petit", actes: [{ code: "HBGD035" }] } }
                expect: { nom: no-consent, "actes[0].code": no-consent }
              - name: "Code pénal art. 226-13 (just misses): with the patient's agreement naming the insurer"
                at: 2026-06-01T00:00:00Z
                request: { provider: mutuelle-centrale, purpose: assurance, subject: fr-1, record_type: patient,
                           record: { nom: "Claire Petit", actes: [{ code: "HBGD035" }] } }
                expect: { nom: { outcome: released, basis: "consent:fr-1-mutuelle" }, "actes[0].code": released }
              - name: "Code pénal art. 226-14 (triggers): a report of abuse reaches the prosecutor"
                at: 2026-06-01T00:00:00Z
                request: { provider: procureur-lyon, purpose: signalement, subject: fr-2, record_type: patient,
                           record: { nom: "Claire Petit", adresse: "3 rue Neuve, Lyon", diagnostic: "T74.1" },
                           exception: { basis: signalement, justification: "Sévices constatés sur une mineure.",
                                        facts: "Lésions compatibles avec des violences répétées." } }
                expect: { nom: { outcome: released, basis: "exception:signalement" }, adresse: released,
                          diagnostic: released }
              - name: "Code pénal art. 226-14 (just misses): the exception does not reach an employer"
                at: 2026-06-01T00:00:00Z
                request: { provider: employeur, purpose: signalement, subject: fr-2, record_type: patient,
                           record: { nom: "Claire Petit", diagnostic: "T74.1" },
                           exception: { basis: danger-grave, justification: "Danger allégué.",
                                        facts: "L'employeur demande le diagnostic." } }
                expect: { nom: no-agreement, diagnostic: no-agreement }
              - name: "Code de la santé publique art. L1110-4 (triggers): the care team shares without consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: dr-martin, purpose: equipe-de-soins, subject: fr-2, record_type: patient,
                           record: { nom: "Claire Petit", diagnostic: "J45" } }
                expect: { nom: released, diagnostic: { outcome: released, basis: "agreement:equipe-martin" } }
              - name: "Code de la santé publique art. L1110-4 (just misses): an insurer is outside the care team"
                at: 2026-06-01T00:00:00Z
                request: { provider: mutuelle-centrale, purpose: equipe-de-soins, subject: fr-2, record_type: patient,
                           record: { diagnostic: "J45" } }
                expect: { diagnostic: no-agreement }
            """)
}
