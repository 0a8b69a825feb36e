/// Names in a person's words, for the accounting a professional hands to a person: a bundle may
/// give a label to each category, purpose and provider (`labels:`); an id without one is shown as
/// it is.
public struct Labels: Sendable, Equatable {
    public var categories: [String: String]
    public var purposes: [String: String]
    public var providers: [String: String]

    public init(categories: [String: String] = [:], purposes: [String: String] = [:], providers: [String: String] = [:]) {
        self.categories = categories
        self.purposes = purposes
        self.providers = providers
    }

    public func category(_ id: String) -> String { categories[id] ?? id }
    public func purpose(_ id: String) -> String { purposes[id] ?? id }
    public func provider(_ id: String) -> String { providers[id] ?? id }
}
