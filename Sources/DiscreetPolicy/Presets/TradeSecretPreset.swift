extension Preset {
    /// A company sharing trade secrets with manufacturers and consultants.
    public static let tradeSecret = Preset(
        name: "trade-secret",
        summary: "Trade secrets (DTSA, Directive 2016/943): a named recipient, an NDA at each release, competitor walls",
        rules: ["18 U.S.C. 1839(3)", "Directive (EU) 2016/943 art. 2(1)(c)"],
        source: """
            # Trade secrets: 18 U.S.C. 1839(3) (DTSA) and Directive (EU) 2016/943 art. 2(1)(c): information
            # stays a trade secret only while its holder takes reasonable steps to keep it secret.
            # The subject is the secret's file (a product, a process), the consent its holder's authorization.
            # A starting point written from the texts it cites, not legal advice: adapt it with counsel.
            version: trade-secret-2026.1
            regimes:
              trade-secret:                   # a named recipient, under an NDA in force, walled from competitors
                consent: required
                recipient: named
                agreement-types: [NDA]
                guards-competitors: true
                citation: "18 U.S.C. 1839(3); Directive (EU) 2016/943 art. 2(1)(c)"
              business:                       # what is no secret: a project's public name
                consent: not-required
                citation: "Directive (EU) 2016/943 art. 2(1)(a)"
            categories:
              business.project_name: business
              secret.formula: trade-secret
              secret.process: trade-secret
              secret.customers: trade-secret
            records:
              project:
                name: business.project_name
                formula: secret.formula
                process_steps[]: secret.process
                key_customers[]: secret.customers
            purposes:
              manufacturing:
                business.project_name: release
                secret.formula: release
                secret.process: release
              consulting:
                business.project_name: release
                secret.process: release
            labels:
              categories:
                business.project_name: the project's name
                secret.formula: the formula
                secret.process: the manufacturing process
                secret.customers: the key customers
            fixtures:
              providers:
                fabrico:                      # a contract manufacturer under an NDA
                  kind: service-provider
                  agreements:
                    - { id: fabrico-nda, type: NDA, purposes: [manufacturing], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                consultant-a:                 # under an NDA, and also advising a competitor of project-y
                  kind: service-provider
                  serves_competitors_of: [project-y]
                  agreements:
                    - { id: consultant-a-nda, type: NDA, purposes: [consulting], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
                consultant-b:                 # a services contract, no NDA
                  kind: service-provider
                  agreements:
                    - { id: consultant-b-msa, type: MSA, purposes: [consulting], categories: ["*"],
                        valid_from: 2026-01-01, valid_until: 2031-01-01 }
              consents:
                - { id: x-fabrico, subject: project-x, provider: fabrico, purposes: [manufacturing],
                    categories: [secret.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: x-consultants, subject: project-x, provider: "*", purposes: [consulting],
                    categories: [secret.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: y-consultant-a, subject: project-y, provider: consultant-a, purposes: [consulting],
                    categories: [secret.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: z-consultant-a, subject: project-z, provider: consultant-a, purposes: [consulting],
                    categories: [secret.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
                - { id: y-consultant-b, subject: project-y, provider: consultant-b, purposes: [consulting],
                    categories: [secret.*], granted_at: 2026-01-01, expires_at: 2027-01-01 }
            tests:
              - name: "18 U.S.C. 1839(3) (triggers): a formula leaves only under the holder's authorization naming the recipient"
                at: 2026-06-01T00:00:00Z
                request: { provider: fabrico, purpose: manufacturing, subject: project-y, record_type: project,
                           record: { name: "Project Y", formula: "C8H10N4O2 at 3%" } }
                expect: { name: released, formula: no-consent }
              - name: "18 U.S.C. 1839(3) (triggers): an authorization for any consultant names no one"
                at: 2026-06-01T00:00:00Z
                request: { provider: consultant-a, purpose: consulting, subject: project-x, record_type: project,
                           record: { process_steps: ["mix", "cure at 80C"] } }
                expect: { "process_steps[0]": no-consent }
              - name: "18 U.S.C. 1839(3) (just misses): authorized, named, under an NDA, it goes"
                at: 2026-06-01T00:00:00Z
                request: { provider: fabrico, purpose: manufacturing, subject: project-x, record_type: project,
                           record: { formula: "C8H10N4O2 at 3%", key_customers: ["Acme"] } }
                expect: { formula: { outcome: released, basis: "consent:x-fabrico" }, "key_customers[0]": not-needed }
              - name: "18 U.S.C. 1839(3) (triggers): once the authorization has expired, nothing more leaves"
                at: 2027-06-01T00:00:00Z
                request: { provider: fabrico, purpose: manufacturing, subject: project-x, record_type: project,
                           record: { formula: "C8H10N4O2 at 3%" } }
                expect: { formula: consent-expired }
              - name: "Directive (EU) 2016/943 art. 2(1)(c) (triggers): a consultant without an NDA gets no secret"
                at: 2026-06-01T00:00:00Z
                request: { provider: consultant-b, purpose: consulting, subject: project-y, record_type: project,
                           record: { name: "Project Y", process_steps: ["mix"] } }
                expect: { name: released, "process_steps[0]": no-agreement }
              - name: "Directive (EU) 2016/943 art. 2(1)(c) (triggers): a consultant advising a competitor is walled off"
                at: 2026-06-01T00:00:00Z
                request: { provider: consultant-a, purpose: consulting, subject: project-y, record_type: project,
                           record: { process_steps: ["mix"] } }
                expect: { "process_steps[0]": conflict-of-interest }
              - name: "Directive (EU) 2016/943 art. 2(1)(c) (just misses): the same consultant on a project it has no conflict with"
                at: 2026-06-01T00:00:00Z
                request: { provider: consultant-a, purpose: consulting, subject: project-z, record_type: project,
                           record: { process_steps: ["mix"] } }
                expect: { "process_steps[0]": { outcome: released, basis: "consent:z-consultant-a" } }
            """)
}
