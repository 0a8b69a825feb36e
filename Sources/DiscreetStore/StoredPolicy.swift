import Foundation

/// A policy bundle as it was accepted: its source text, digest and when it took effect.
public struct StoredPolicy: Sendable, Equatable {
    /// Increases by one with every accepted bundle.
    public var revision: Int
    /// The bundle's own `version:` label.
    public var label: String
    /// Hex SHA-256 of the source.
    public var digest: String
    public var source: String
    public var activatedAt: Date

    public init(revision: Int, label: String, digest: String, source: String, activatedAt: Date) {
        self.revision = revision
        self.label = label
        self.digest = digest
        self.source = source
        self.activatedAt = activatedAt
    }
}
