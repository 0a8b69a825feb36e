/// The kinds of identifier `scrub` finds in free text by their form, each confirmed by its
/// validator where one exists. A purpose names the kinds it wants removed by their placeholders
/// (`{ scrub: [EMAIL, PHONE] }`); each one found becomes its placeholder (`[PHONE]`).
public enum ScrubKind: UInt16, Sendable, CaseIterable, Comparable {
    case email, phone, iban, card, usSSN, frNIR, url, ip, date

    /// How a bundle spells it, and the placeholder's text between brackets.
    public var name: String {
        switch self {
        case .email: "EMAIL"
        case .phone: "PHONE"
        case .iban: "IBAN"
        case .card: "CARD"
        case .usSSN: "US-SSN"
        case .frNIR: "FR-NIR"
        case .url: "URL"
        case .ip: "IP"
        case .date: "DATE"
        }
    }

    public init?(name: String) {
        guard let kind = ScrubKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    public static func < (a: ScrubKind, b: ScrubKind) -> Bool { a.rawValue < b.rawValue }
}

/// A set of `ScrubKind`s.
public struct ScrubKinds: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ kind: ScrubKind) { rawValue = 1 << kind.rawValue }

    public init(_ kinds: some Sequence<ScrubKind>) {
        self.init(rawValue: kinds.reduce(0) { $0 | 1 << $1.rawValue })
    }

    public static let all = ScrubKinds(ScrubKind.allCases)
    public static let email = ScrubKinds(ScrubKind.email)
    public static let phone = ScrubKinds(ScrubKind.phone)
    public static let iban = ScrubKinds(ScrubKind.iban)
    public static let card = ScrubKinds(ScrubKind.card)
    public static let usSSN = ScrubKinds(ScrubKind.usSSN)
    public static let frNIR = ScrubKinds(ScrubKind.frNIR)
    public static let url = ScrubKinds(ScrubKind.url)
    public static let ip = ScrubKinds(ScrubKind.ip)
    public static let date = ScrubKinds(ScrubKind.date)

    public func contains(_ kind: ScrubKind) -> Bool { rawValue & (1 << kind.rawValue) != 0 }

    /// In the order of `ScrubKind.allCases`.
    public var kinds: [ScrubKind] { ScrubKind.allCases.filter(contains) }
}

/// How many identifiers of one kind `scrub` removed from a field: a kind's name (`PHONE`) or the
/// category of a record field whose value was found in the text (`identity.name`). Never a value.
public struct ScrubCount: Sendable, Equatable, Hashable {
    public var label: String
    public var count: Int

    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }
}
