import Yams

/// Two regimes (or exceptions) of one name, or under one category, made one in which the
/// strictest rule wins, the way `EffectiveRegime` combines a field's regimes: consent is required
/// when either requires it; a consent to any provider counts only when every regime needing
/// consent allows it; a purpose is exempt, or an exception admitted, only when every regime
/// needing consent says so (a regime that needs no consent asks nothing of either); an agreement
/// type must be accepted by both; every notice travels; competitors are guarded when either
/// guards them.
enum RegimeMerge {
    typealias Conflict = PresetCombination.Conflict

    /// `names` are the merged regimes', for a citation too long to join (a citation is one line of
    /// at most 200 characters): it then sends the reader to theirs.
    static func merge(_ bodies: [Node], names: [String]) -> Node {
        let requiring = bodies.filter { $0.mapping?["consent"]?.string == "required" }
        var out: [(Node, Node)] = [(Node("consent"), Node(requiring.isEmpty ? "not-required" : "required"))]
        if !requiring.isEmpty {
            let anyContracted = requiring.allSatisfy { $0.mapping?["recipient"]?.string == "any-contracted" }
            out.append((Node("recipient"), Node(anyContracted ? "any-contracted" : "named")))
            let exempt = intersection(requiring.map { list($0, "consent-exempt-purposes") })
            if !exempt.isEmpty { out.append((Node("consent-exempt-purposes"), sequence(exempt))) }
        }
        // Types both regimes accept; where they share none, an agreement must be of both kinds at
        // once (`BAA+DPA`: one contract meeting both laws), which the bundle names as such.
        let typeLists = bodies.compactMap { $0.mapping?["agreement-types"] == nil ? nil : list($0, "agreement-types") }
        if !typeLists.isEmpty {
            var types = intersection(typeLists)
            if types.isEmpty {
                types = typeLists.dropFirst().reduce(typeLists[0]) { sofar, next in
                    sofar.flatMap { a in next.map { b in a.split(separator: "+").contains(Substring(b)) ? a : a + "+" + b } }
                }
            }
            out.append((Node("agreement-types"), sequence(union([types]))))
        }
        let exceptions =
            requiring.isEmpty
            ? union(bodies.map { list($0, "exceptions") }) : intersection(requiring.map { list($0, "exceptions") })
        if !exceptions.isEmpty { out.append((Node("exceptions"), sequence(exceptions))) }
        if bodies.contains(where: { $0.mapping?["guards-competitors"]?.bool == true }) {
            out.append((Node("guards-competitors"), Node("true", Tag(.bool))))
        }
        let notices = union(bodies.map { $0.mapping?["notice"]?.string.map { [$0] } ?? [] })
        if !notices.isEmpty { out.append((Node("notice"), Node(notices.joined(separator: " ")))) }
        for key in ["citation", "notice-citation"] {
            var cited = citations(bodies, key)
            if cited.count > 200 { cited = "as regimes " + names.joined(separator: ", ") }
            if cited.count > 200 { cited = "as the regimes it merges" }
            if !cited.isEmpty { out.append((Node(key), Node(cited))) }
        }
        return Node(out)
    }

    static func mergeException(_ a: Node, _ b: Node, from: [String], exception: String) throws -> Node {
        let kinds = intersection([list(a, "recipient-kinds"), list(b, "recipient-kinds")])
        guard !kinds.isEmpty else {
            throw Conflict(
                description: "exception '\(exception)': \(from[0]) and \(from[1]) name no kind of recipient in common; "
                    + "rename the exception in one of them")
        }
        var out: [(Node, Node)] = [(Node("recipient-kinds"), sequence(kinds))]
        let cited = citations([a, b], "citation")
        if !cited.isEmpty { out.append((Node("citation"), Node(cited))) }
        return Node(out)
    }

    /// Each distinct citation once, in order (`45 CFR 164.506; 42 CFR 2.12(a)`).
    static func citations(_ bodies: [Node], _ key: String) -> String {
        let parts = bodies.compactMap { $0.mapping?[key]?.string }.flatMap { $0.components(separatedBy: "; ") }
        return union([parts]).joined(separator: "; ")
    }

    static func list(_ body: Node, _ key: String) -> [String] {
        body.mapping?[key]?.sequence.map { $0.compactMap(\.string) } ?? []
    }

    static func sequence(_ items: [String]) -> Node { Node(items.map { Node($0) }, Tag(.seq), .flow) }

    static func intersection(_ lists: [[String]]) -> [String] {
        guard let first = lists.first else { return [] }
        return first.filter { item in lists.allSatisfy { $0.contains(item) } }
    }

    static func union(_ lists: [[String]]) -> [String] {
        var out: [String] = []
        for item in lists.joined() where !out.contains(item) { out.append(item) }
        return out
    }
}
