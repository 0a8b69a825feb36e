import Yams

extension BundleWalk {
    static let labelKinds: Set<String> = ["categories", "purposes", "providers"]

    /// `labels: { categories: {id: text}, purposes: {id: text}, providers: {id: text} }`. A label
    /// for a category or purpose the bundle does not declare is an issue (a typo would silently
    /// leave the id showing); providers live in the store, so any id may be labelled.
    mutating func labels(_ node: Node, _ path: Pointer, categories: Set<String>, purposes: Set<String>) -> Labels {
        guard let entries = reader.mapping(node, path, what: "a mapping with categories, purposes or providers") else {
            return Labels()
        }
        reader.rejectUnknown(entries, allowed: BundleWalk.labelKinds, path)
        var labels = Labels()
        for (kind, value) in entries where BundleWalk.labelKinds.contains(kind) {
            let p = path.appending(kind)
            guard let names = reader.mapping(value, p, what: "a mapping from an id to its label") else { continue }
            var out: [String: String] = [:]
            for (id, text) in names {
                let q = p.appending(id)
                if kind == "categories" && !categories.contains(id) { reader.issue(q, text, "unknown category '\(id)'") }
                if kind == "purposes" && !purposes.contains(id) { reader.issue(q, text, "unknown purpose '\(id)'") }
                if let label = reader.string(text, q, what: "a label (text)") { out[id] = label }
            }
            switch kind {
            case "categories": labels.categories = out
            case "purposes": labels.purposes = out
            default: labels.providers = out
            }
        }
        return labels
    }
}
