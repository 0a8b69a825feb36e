import Yams

/// The sections of several bundles' YAML joined by `PresetCombination`'s rules. Keeps each
/// section's first-seen order, so the combined text reads in the order the presets were named.
struct BundleMerger {
    typealias Conflict = PresetCombination.Conflict

    private var versions: [String] = []
    private var regimes = Ordered<Node>()
    private var exceptions = Ordered<Node>()
    private var exceptionFrom: [String: String] = [:]
    private var tags = Ordered<[String]>()
    /// Category to each preset's regime for it, in preset order.
    private var categories = Ordered<[(preset: String, regime: String)]>()
    private var records = Ordered<Ordered<(preset: String, category: String)>>()
    private var purposes = Ordered<PurposeBody>()
    private var labels = Ordered<Ordered<Node>>()
    private var providers = Ordered<(preset: String, node: Node)>()
    private var subjects = Ordered<(preset: String, node: Node)>()
    private var consents = Ordered<(preset: String, node: Node)>()
    private(set) var tests: [(preset: String, node: Node)] = []

    mutating func add(_ preset: String, _ root: Node.Mapping) throws {
        for (key, value) in root {
            guard let section = key.string else { continue }
            switch section {
            case "version": versions.append(value.string ?? preset)
            case "regimes":
                for (name, body) in pairs(value) {
                    regimes[name] = regimes[name].map { RegimeMerge.merge([$0, body], names: [name]) } ?? body
                }
            case "exceptions":
                for (name, body) in pairs(value) {
                    if let earlier = exceptions[name] {
                        exceptions[name] = try RegimeMerge.mergeException(
                            earlier, body, from: ["preset '\(exceptionFrom[name]!)'", "preset '\(preset)'"], exception: name)
                    } else {
                        exceptions[name] = body
                        exceptionFrom[name] = preset
                    }
                }
            case "tags":
                for (tag, list) in pairs(value) {
                    let names = list.sequence.map { $0.compactMap(\.string) } ?? list.string.map { [$0] } ?? []
                    tags[tag] = (tags[tag] ?? []) + names.filter { !(tags[tag] ?? []).contains($0) }
                }
            case "categories":
                for (category, regime) in pairs(value) {
                    categories[category] = (categories[category] ?? []) + [(preset, regime.string ?? "")]
                }
            case "records": try addRecords(preset, value)
            case "purposes": try addPurposes(preset, value)
            case "labels":
                for (part, entries) in pairs(value) {
                    var joined = labels[part] ?? Ordered()
                    for (k, v) in pairs(entries) where joined[k] == nil { joined[k] = v }
                    labels[part] = joined
                }
            case "fixtures": try addFixtures(preset, value)
            case "tests": tests += (value.sequence.map(Array.init) ?? []).map { (preset, $0) }
            default:
                throw Conflict(description: "preset '\(preset)': section '\(section)' cannot be combined")
            }
        }
    }

    private mutating func addRecords(_ preset: String, _ value: Node) throws {
        for (type, fields) in pairs(value) {
            var joined = records[type] ?? Ordered()
            for (field, category) in pairs(fields) {
                let c = category.string ?? ""
                if let earlier = joined[field], earlier.category != c {
                    throw Conflict(
                        description: "record '\(type)', field '\(field)': preset '\(earlier.preset)' maps it to "
                            + "'\(earlier.category)', preset '\(preset)' to '\(c)'; rename one field")
                }
                joined[field] = (preset, c)
            }
            records[type] = joined
        }
    }

    private mutating func addPurposes(_ preset: String, _ value: Node) throws {
        for (name, body) in pairs(value) {
            let next = PurposeBody(body, preset: preset)
            purposes[name] = try purposes[name].map { try $0.merged(with: next, purpose: name) } ?? next
        }
    }

    private mutating func addFixtures(_ preset: String, _ value: Node) throws {
        func join(_ list: inout Ordered<(preset: String, node: Node)>, _ id: String, _ node: Node, _ what: String) throws {
            if let earlier = list[id] {
                guard earlier.node == node else {
                    throw Conflict(
                        description: "fixture \(what) '\(id)' differs between presets '\(earlier.preset)' and '\(preset)'")
                }
                return
            }
            list[id] = (preset, node)
        }
        for (part, entries) in pairs(value) {
            switch part {
            case "providers": for (id, node) in pairs(entries) { try join(&providers, id, node, "provider") }
            case "subjects": for (id, node) in pairs(entries) { try join(&subjects, id, node, "subject") }
            case "consents":
                for node in entries.sequence.map(Array.init) ?? [] {
                    try join(&consents, node.mapping?["id"]?.string ?? "", node, "consent")
                }
            default: throw Conflict(description: "preset '\(preset)': fixtures '\(part)' cannot be combined")
            }
        }
    }

    /// The combined bundle with these tests. A category two presets put under different regimes
    /// goes under their merge, named `a+b`.
    func root(tests: [Node]) -> Node {
        var regimes = self.regimes
        var categoryNodes: [(Node, Node)] = []
        for (category, claims) in self.categories.pairs {
            var names: [String] = []
            for c in claims where !names.contains(c.regime) { names.append(c.regime) }
            let name = names.joined(separator: "+")
            if names.count > 1, regimes[name] == nil {
                regimes[name] = RegimeMerge.merge(names.map { self.regimes[$0] ?? Node([(Node, Node)]()) }, names: names)
            }
            categoryNodes.append((Node(category), Node(name)))
        }
        var out: [(Node, Node)] = [(Node("version"), Node(versions.joined(separator: "+")))]
        out.append((Node("regimes"), node(regimes)))
        if !exceptions.isEmpty { out.append((Node("exceptions"), node(exceptions))) }
        if !tags.isEmpty {
            out.append((Node("tags"), Node(tags.pairs.map { (Node($0.key), RegimeMerge.sequence($0.value)) })))
        }
        out.append((Node("categories"), Node(categoryNodes)))
        out.append(
            (
                Node("records"),
                Node(records.pairs.map { (Node($0.key), Node($0.value.pairs.map { (Node($0.key), Node($0.value.category)) })) })
            ))
        out.append((Node("purposes"), Node(purposes.pairs.map { (Node($0.key), $0.value.node) })))
        if !labels.isEmpty { out.append((Node("labels"), Node(labels.pairs.map { (Node($0.key), node($0.value)) }))) }
        var fixtures: [(Node, Node)] = []
        if !providers.isEmpty {
            fixtures.append((Node("providers"), Node(providers.pairs.map { (Node($0.key), $0.value.node) })))
        }
        if !subjects.isEmpty { fixtures.append((Node("subjects"), Node(subjects.pairs.map { (Node($0.key), $0.value.node) }))) }
        if !consents.isEmpty { fixtures.append((Node("consents"), Node(consents.pairs.map(\.value.node)))) }
        if !fixtures.isEmpty { out.append((Node("fixtures"), Node(fixtures))) }
        if !tests.isEmpty { out.append((Node("tests"), Node(tests))) }
        return Node(out)
    }

    private func node(_ entries: Ordered<Node>) -> Node { Node(entries.pairs.map { (Node($0.key), $0.value) }) }

    private func pairs(_ node: Node) -> [(String, Node)] {
        node.mapping?.compactMap { k, v in k.string.map { ($0, v) } } ?? []
    }
}

/// A dictionary that remembers the order its keys were first set in.
struct Ordered<Value> {
    private var keys: [String] = []
    private var values: [String: Value] = [:]

    var isEmpty: Bool { keys.isEmpty }
    var pairs: [(key: String, value: Value)] { keys.map { ($0, values[$0]!) } }

    subscript(key: String) -> Value? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
}
