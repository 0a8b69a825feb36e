/// A record type as a trie of path segments: the walk follows a record's keys down the trie and
/// never builds a pattern string. `[]` is a node's `elements` child.
struct CompiledRecord: Sendable {
    struct Node: Sendable {
        var children: [String: Int] = [:]
        /// The node for `[]` under this one, or -1.
        var elements = -1
        /// The category mapped at this node, or -1 for a node that only leads to mapped paths.
        var category = -1
        var isInterior: Bool { elements >= 0 || !children.isEmpty }
    }

    /// `nodes[0]` is the record itself.
    private(set) var nodes: [Node] = [Node()]
    /// Pattern to category id, for decisions on paths without values.
    let fields: [String: Int]

    init(_ type: RecordType, categoryIDs: [String: Int]) {
        var fields: [String: Int] = [:]
        for (path, category) in type.fields {
            guard let id = categoryIDs[category] else { continue }
            fields[path] = id
        }
        self.fields = fields
        for (path, id) in fields.sorted(by: { $0.key < $1.key }) {
            var node = 0
            for segment in FieldPath.segments(of: path) { node = child(of: node, segment) }
            nodes[node].category = id
        }
    }

    /// The category of a concrete path (`treatments[0].code`) or a pattern, or nil when unmapped.
    /// A path without an index is its own pattern: one lookup, no string built.
    func category(ofConcrete path: String) -> Int? {
        if let hit = fields[path] { return hit }
        guard path.utf8.contains(UInt8(ascii: "[")), let pattern = RecordWalk.pattern(ofConcrete: path) else { return nil }
        return fields[pattern]
    }

    private mutating func child(of node: Int, _ segment: String) -> Int {
        if segment == "[]" {
            if nodes[node].elements < 0 {
                nodes.append(Node())
                nodes[node].elements = nodes.count - 1
            }
            return nodes[node].elements
        }
        if let next = nodes[node].children[segment] { return next }
        nodes.append(Node())
        nodes[node].children[segment] = nodes.count - 1
        return nodes.count - 1
    }
}
