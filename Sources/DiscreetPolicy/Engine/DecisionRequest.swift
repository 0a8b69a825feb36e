import Foundation

/// Everything the engine decides from. The caller gathers it (from the store, the credential and
/// the clock); the engine itself reads nothing.
public struct DecisionInput: Sendable {
    public var providerID: String
    public var purpose: String
    public var subjectID: String
    public var recordType: String
    /// Tags of the record itself, adding regimes on top of the subject's.
    public var recordTags: Set<String>
    /// The provider as registered, or nil when it is unknown (every field then fails closed).
    public var provider: Provider?
    /// The subject as registered, or nil when nothing is on file (no tags, no restrictions).
    public var subject: Subject?
    /// The subject's consents, any status.
    public var consents: [Consent]
    /// An exception the caller is entitled to invoke (the caller has already checked the role).
    public var exception: ExceptionInvocation?
    /// The instant the request is decided at: agreements, consents and withdrawals are judged as of it.
    public var time: Date
    /// The tokens this provider holds for this subject, by concrete field path (`tokenize`). A
    /// field whose token is not here yet is reported in the result's `missingTokens`; the caller
    /// issues them and decides again.
    public var tokens: [String: String] = [:]

    public init(
        providerID: String, purpose: String, subjectID: String, recordType: String, recordTags: Set<String> = [],
        provider: Provider?, subject: Subject?, consents: [Consent], exception: ExceptionInvocation? = nil, time: Date
    ) {
        self.providerID = providerID
        self.purpose = purpose
        self.subjectID = subjectID
        self.recordType = recordType
        self.recordTags = recordTags
        self.provider = provider
        self.subject = subject
        self.consents = consents
        self.exception = exception
        self.time = time
    }
}

/// Why a request is refused whole rather than decided field by field.
public enum RequestRefusal: Error, Sendable, Equatable {
    case unknownPurpose(String)
    case unknownRecordType(String)
    case providerSuspended(String)
    case unknownException(String)
    /// The record holds more fields than `DecisionEngine.maxFields`.
    case tooManyFields(Int)
}
