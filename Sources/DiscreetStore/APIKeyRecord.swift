import Foundation

/// A stored API key: its public id, the SHA-256 digest of the whole key, and its roles.
/// The key itself is shown once at creation and never stored.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    public var digest: [UInt8]
    public var roles: [Role]
    public var label: String
    public var createdAt: Date

    public init(id: String, digest: [UInt8], roles: [Role], label: String, createdAt: Date) {
        self.id = id
        self.digest = digest
        self.roles = roles
        self.label = label
        self.createdAt = createdAt
    }
}
