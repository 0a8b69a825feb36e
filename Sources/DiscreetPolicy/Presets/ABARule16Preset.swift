extension Preset {
    /// A law firm outsourcing under the ABA Model Rules of Professional Conduct.
    public static let abaRule16 = Preset(
        name: "aba-1.6",
        summary: "ABA Model Rule 1.6: informed consent, its exceptions, and Opinion 08-451 on outsourcing",
        rules: [
            "ABA Model Rule 1.6(a)", "ABA Model Rule 1.6(b)(1)", "ABA Model Rule 1.6(b)(6)", "ABA Formal Opinion 08-451",
        ],
        source: """
            # ABA Model Rules of Professional Conduct: confidentiality of information (Rule 1.6) and
            # outsourcing (Formal Opinion 08-451). The subject is the client.
            # A starting point written from the rules it cites, not legal advice: adapt it with counsel.
            version: aba-1.6-2026.1
            regimes:
              client-information:             # no information relating to the representation without consent
                consent: required
                recipient: named
                consent-exempt-purposes: [representation]   # impliedly authorized to carry it out
                exceptions: [prevent-harm, court-order]
                guards-competitors: true
                citation: "ABA Model Rule 1.6(a); ABA Formal Opinion 08-451"
            exceptions:
              prevent-harm: { recipient-kinds: [authority, threatened-person], citation: "ABA Model Rule 1.6(b)(1)" }
              court-order: { recipient-kinds: [court], citation: "ABA Model Rule 1.6(b)(6)" }
            categories:
              client.name: client-information
              client.contact: client-information
              matter.facts: client-information
              matter.strategy: client-information
              matter.fees: client-information
            records:
              matter:
                client_name: client.name
                client_email: client.contact
                facts: matter.facts
                strategy: matter.strategy
                fees: matter.fees
            purposes:
              representation:                 # e-discovery, document review, a local counsel
                client.name: release
                matter.facts: release
              marketing:
                client.name: release
                client.contact: release
              court-production:
                client.name: release
                matter.facts: release
              harm-prevention:
                client.name: release
                client.contact: release
                matter.facts: release
            labels:
              categories:
                client.name: your name
                client.contact: your contact details
                matter.facts: the facts of your case
                matter.strategy: the strategy of your case
                matter.fees: your fees
              purposes:
                representation: handling your case
                marketing: marketing
                court-production: producing documents to a court
                harm-prevention: preventing death or serious bodily harm
            fixtures:
              providers:
                review-co:                    # a document review vendor
                  kind: service-provider
                  agreements:
                    - { id: review-engagement, type: engagement, purposes: [representation], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                discovery-plus:               # a vendor that also serves the client's adversary
                  kind: service-provider
                  serves_competitors_of: [client-1, client-2]
                  agreements:
                    - { id: discovery-engagement, type: engagement, purposes: [representation], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                mailing-agency:
                  kind: service-provider
                  agreements:
                    - { id: mailing-contract, type: engagement, purposes: [marketing], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                district-court:
                  kind: court
                state-police:
                  kind: authority
              consents:
                - { id: client-2-conflict, subject: client-2, provider: discovery-plus, purposes: [representation],
                    categories: ["*"], granted_at: 2026-01-01, expires_at: 2027-01-01, acknowledges_conflict: true }
                - { id: client-3-newsletter, subject: client-3, provider: mailing-agency, purposes: [marketing],
                    categories: [client.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "ABA Model Rule 1.6(a) (triggers): a mailing agency gets no client's name without informed consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: mailing-agency, purpose: marketing, subject: client-1, record_type: matter,
                           record: { client_name: "Dana Cole", client_email: "dana@example.com" } }
                expect: { client_name: no-consent, client_email: no-consent }
              - name: "ABA Model Rule 1.6(a) (just misses): a review vendor carrying out the representation is impliedly authorized"
                at: 2026-06-01T00:00:00Z
                request: { provider: review-co, purpose: representation, subject: client-1, record_type: matter,
                           record: { client_name: "Dana Cole", facts: "Contract signed 2024-03-01.", strategy: "settle" } }
                expect: { client_name: { outcome: released, basis: "agreement:review-engagement" }, facts: released,
                          strategy: not-needed }
              - name: "ABA Model Rule 1.6(a) (just misses): with the client's informed consent, marketing may use the name"
                at: 2026-06-01T00:00:00Z
                request: { provider: mailing-agency, purpose: marketing, subject: client-3, record_type: matter,
                           record: { client_name: "Noor Aziz" } }
                expect: { client_name: { outcome: released, basis: "consent:client-3-newsletter" } }
              - name: "ABA Model Rule 1.6(b)(1) (triggers): to prevent reasonably certain death, the police may be told"
                at: 2026-06-01T00:00:00Z
                request: { provider: state-police, purpose: harm-prevention, subject: client-1, record_type: matter,
                           record: { client_name: "Dana Cole", facts: "Client intends to harm a witness tonight." },
                           exception: { basis: prevent-harm, justification: "Reasonably certain bodily harm.",
                                        facts: "Client described a plan and a time." } }
                expect: { client_name: { outcome: released, basis: "exception:prevent-harm" }, facts: released }
              - name: "ABA Model Rule 1.6(b)(1) (just misses): the exception does not reach a mailing agency"
                at: 2026-06-01T00:00:00Z
                request: { provider: mailing-agency, purpose: harm-prevention, subject: client-1, record_type: matter,
                           record: { client_name: "Dana Cole" },
                           exception: { basis: prevent-harm, justification: "Reasonably certain bodily harm.",
                                        facts: "Client described a plan." } }
                expect: { client_name: no-agreement }
              - name: "ABA Model Rule 1.6(b)(6) (triggers): a court order is complied with"
                at: 2026-06-01T00:00:00Z
                request: { provider: district-court, purpose: court-production, subject: client-1, record_type: matter,
                           record: { client_name: "Dana Cole", facts: "Contract signed 2024-03-01." },
                           exception: { basis: court-order, justification: "Order to produce, case 26-cv-101.",
                                        facts: "The court ordered production of the contract's history." } }
                expect: { facts: { outcome: released, basis: "exception:court-order" } }
              - name: "ABA Model Rule 1.6(b)(6) (just misses): a court order does not open the file to the police"
                at: 2026-06-01T00:00:00Z
                request: { provider: state-police, purpose: court-production, subject: client-1, record_type: matter,
                           record: { facts: "Contract signed 2024-03-01." },
                           exception: { basis: court-order, justification: "Order to produce, case 26-cv-101.",
                                        facts: "The police asked for the file." } }
                expect: { facts: no-agreement }
              - name: "ABA Formal Opinion 08-451 (triggers): a vendor serving the adversary needs the client's informed consent"
                at: 2026-06-01T00:00:00Z
                request: { provider: discovery-plus, purpose: representation, subject: client-1, record_type: matter,
                           record: { facts: "Contract signed 2024-03-01." } }
                expect: { facts: conflict-of-interest }
              - name: "ABA Formal Opinion 08-451 (just misses): the client consented knowing the conflict"
                at: 2026-06-01T00:00:00Z
                request: { provider: discovery-plus, purpose: representation, subject: client-2, record_type: matter,
                           record: { facts: "Contract signed 2024-03-01." } }
                expect: { facts: released }
            """)
}
