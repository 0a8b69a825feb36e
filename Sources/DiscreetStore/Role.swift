/// What a key may do. A key holds one or more roles; `provider:<id>` keys act only as that provider.
public enum Role: Sendable, Hashable, CustomStringConvertible {
    case admin
    case consentManager
    case discloser
    case exceptionOfficer
    case auditor
    case provider(String)

    public init?(_ text: String) {
        switch text {
        case "admin": self = .admin
        case "consent-manager": self = .consentManager
        case "discloser": self = .discloser
        case "exception-officer": self = .exceptionOfficer
        case "auditor": self = .auditor
        default:
            guard text.hasPrefix("provider:"), text.count > 9 else { return nil }
            self = .provider(String(text.dropFirst(9)))
        }
    }

    public var description: String {
        switch self {
        case .admin: "admin"
        case .consentManager: "consent-manager"
        case .discloser: "discloser"
        case .exceptionOfficer: "exception-officer"
        case .auditor: "auditor"
        case .provider(let id): "provider:\(id)"
        }
    }

    public static let named: [String] = [
        "admin", "consent-manager", "discloser", "exception-officer", "auditor", "provider:<id>",
    ]
}
