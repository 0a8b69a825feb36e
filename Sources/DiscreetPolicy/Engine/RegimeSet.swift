/// The regimes one category falls under in one request: its own, then those the tags add, each
/// once. The strictest wins (DESIGN §3): "any" questions ask whether one regime demands
/// something, "all" questions whether every regime allows it. Holds ids, allocates nothing.
struct RegimeSet {
    /// The category's own regime id, or -1.
    let own: Int
    /// The request's tag regimes (shared by every category of the request).
    let tagged: [Int]

    var isEmpty: Bool { own < 0 && tagged.isEmpty }

    /// Whether `body` holds for every regime, in order (own first).
    @inline(__always)
    func allSatisfy(_ body: (Int) -> Bool) -> Bool {
        if own >= 0 && !body(own) { return false }
        for r in tagged where r != own && !body(r) { return false }
        return true
    }

    @inline(__always)
    func contains(where body: (Int) -> Bool) -> Bool { !allSatisfy { !body($0) } }
}
