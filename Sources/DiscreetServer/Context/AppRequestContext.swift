import DiscreetStore
import Hummingbird
import NIOCore

/// The caller, as proven by its key: who it is and what it may do.
public struct Principal: Sendable {
    public var keyID: String
    public var roles: [Role]

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// Request context carrying the authenticated principal.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The connection, for the TLS peer certificate a provider may authenticate with.
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.channel = source.channel
    }

    /// The principal, if it holds one of `roles`; otherwise 401 (no valid key) or 403 (wrong role).
    @discardableResult
    func require(_ roles: Role...) throws -> Principal {
        guard let principal else { throw Problem.unauthorized }
        guard roles.contains(where: principal.has) else { throw Problem.forbidden(allowed: roles) }
        return principal
    }
}
