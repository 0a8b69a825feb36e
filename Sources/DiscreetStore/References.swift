import Foundation

/// What a reference that left stands for: a random token or a keyed pseudonym.
public enum ReferenceKind: String, Sendable, CaseIterable {
    case token
    case pseudonym
}

/// A token or pseudonym released in a disclosure, as the leak-tracing index keeps it with the
/// disclosure's provider and subject: the reference, never the value it replaced.
public struct ReleasedReference: Sendable, Equatable {
    public var kind: ReferenceKind
    /// The concrete field path it was released at.
    public var field: String
    public var value: String

    public init(kind: ReferenceKind, field: String, value: String) {
        self.kind = kind
        self.field = field
        self.value = value
    }
}

/// A row of the leak-tracing index: who was given `value`, about whom, at which field, and the
/// ledger index of the first disclosure that carried it.
public struct DisclosedReference: Sendable, Equatable {
    public var value: String
    public var kind: ReferenceKind
    public var providerID: String
    public var subjectID: String
    public var field: String
    public var firstIndex: Int64

    public init(value: String, kind: ReferenceKind, providerID: String, subjectID: String, field: String, firstIndex: Int64) {
        self.value = value
        self.kind = kind
        self.providerID = providerID
        self.subjectID = subjectID
        self.field = field
        self.firstIndex = firstIndex
    }
}

/// An issued token: the provider, subject and field it stands for, never a value. `firstIndex`
/// is nil until a disclosure carrying it is in the ledger.
public struct TokenRecord: Sendable, Equatable {
    public var token: String
    public var providerID: String
    public var subjectID: String
    public var field: String
    public var issuedAt: Date
    public var firstIndex: Int64?

    public init(token: String, providerID: String, subjectID: String, field: String, issuedAt: Date, firstIndex: Int64?) {
        self.token = token
        self.providerID = providerID
        self.subjectID = subjectID
        self.field = field
        self.issuedAt = issuedAt
        self.firstIndex = firstIndex
    }
}

/// Tokens, issued once per (provider, subject, field), and the index of every reference released.
public protocol ReferenceStore: Sendable {
    /// The tokens of `candidates`' fields for this provider and subject: a field that has none
    /// gets its candidate, atomically, so that two replicas issuing at once agree on one token.
    func issueTokens(providerID: String, subjectID: String, candidates: [String: String], at: Date) async throws
        -> [String: String]
    func token(_ token: String) async throws -> TokenRecord?
    /// The index rows of these references, in no particular order; at most a few thousand at once.
    func disclosedReferences(_ values: [String]) async throws -> [DisclosedReference]
}
