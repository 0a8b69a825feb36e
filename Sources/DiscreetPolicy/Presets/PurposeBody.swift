import Yams

/// One purpose's categories and transforms, in either of the bundle's forms, for merging: the
/// union of what each preset says the purpose needs, a transform winning over `release`.
struct PurposeBody {
    var accountable = true
    var deidentify: Node?
    var categories = Ordered<(preset: String, transform: Node)>()

    init(_ node: Node, preset: String) {
        var list = node
        if let categories = node.mapping?["categories"] {
            accountable = node.mapping?["accountable"]?.bool ?? true
            deidentify = node.mapping?["deidentify"]
            list = categories
        }
        for (k, v) in list.mapping ?? [:] { if let c = k.string { categories[c] = (preset, v) } }
    }

    /// Accountable when either is (the person is told more, never less).
    func merged(with other: PurposeBody, purpose: String) throws -> PurposeBody {
        var out = self
        out.accountable = accountable || other.accountable
        out.deidentify = deidentify ?? other.deidentify
        for (category, next) in other.categories.pairs {
            guard let earlier = out.categories[category] else {
                out.categories[category] = next
                continue
            }
            if earlier.transform == next.transform || next.transform.string == "release" { continue }
            if earlier.transform.string == "release" {
                out.categories[category] = next
                continue
            }
            throw PresetCombination.Conflict(
                description: "purpose '\(purpose)', category '\(category)': presets '\(earlier.preset)' and "
                    + "'\(next.preset)' transform it differently; keep one preset's transform")
        }
        return out
    }

    var node: Node {
        let list = Node(categories.pairs.map { (Node($0.key), $0.value.transform) })
        if accountable && deidentify == nil { return list }
        var out: [(Node, Node)] = []
        if !accountable { out.append((Node("accountable"), Node("false", Tag(.bool)))) }
        if let deidentify { out.append((Node("deidentify"), deidentify)) }
        out.append((Node("categories"), list))
        return Node(out)
    }
}
