/// A secrecy regime: how consent works for the categories under it, which legal exceptions it
/// admits, and what notice travels with data released under it.
public struct Regime: Sendable, Equatable {
    public enum ConsentRule: String, Sendable { case required, notRequired = "not-required" }
    /// Who a consent may name as recipient.
    public enum RecipientRule: String, Sendable {
        /// The consent must name the provider.
        case named
        /// A consent for "any contracted provider" (`*`) also counts.
        case anyContracted = "any-contracted"
    }

    public var name: String
    public var consent: ConsentRule
    public var recipient: RecipientRule
    /// Purposes the law lets go without consent under this regime (HIPAA's payment, for instance).
    public var consentExemptPurposes: Set<String>
    /// Legal exceptions this regime admits.
    public var exceptions: Set<String>
    /// A notice (such as a redisclosure prohibition) returned with every release under this regime.
    public var notice: String?
    /// Whether a provider serving a competitor of the subject needs the subject's acknowledgement.
    public var guardsCompetitors: Bool
    /// Agreement types that cover this regime's categories; nil accepts any type.
    public var agreementTypes: Set<String>?
    /// The text of law the regime is written from (`45 CFR 164.506`), kept for people to read:
    /// `GET /v1/policy` returns it, the accounting prints it. It changes no decision.
    public var citation: String?
    /// The text that requires the notice, when it is another than the regime's.
    public var noticeCitation: String?

    public init(
        name: String, consent: ConsentRule, recipient: RecipientRule = .named, consentExemptPurposes: Set<String> = [],
        exceptions: Set<String> = [], notice: String? = nil, guardsCompetitors: Bool = false,
        agreementTypes: Set<String>? = nil
    ) {
        self.name = name
        self.consent = consent
        self.recipient = recipient
        self.consentExemptPurposes = consentExemptPurposes
        self.exceptions = exceptions
        self.notice = notice
        self.guardsCompetitors = guardsCompetitors
        self.agreementTypes = agreementTypes
    }

    /// Whether a disclosure for `purpose` needs the subject's consent under this regime.
    public func requiresConsent(for purpose: String) -> Bool {
        consent == .required && !consentExemptPurposes.contains(purpose)
    }

    /// Whether a consent to "any contracted provider" may stand for `purpose` under this regime:
    /// always where no consent is needed.
    public func acceptsAnyContractedProvider(for purpose: String) -> Bool {
        !requiresConsent(for: purpose) || recipient == .anyContracted
    }
}

/// Which kinds of recipient a legal exception may reach.
public struct ExceptionRule: Sendable, Equatable {
    public var name: String
    public var recipientKinds: Set<String>
    /// The text of law that makes the exception (`42 CFR 2.51`), printed beside the basis.
    public var citation: String?

    public init(name: String, recipientKinds: Set<String>, citation: String? = nil) {
        self.name = name
        self.recipientKinds = recipientKinds
        self.citation = citation
    }
}
