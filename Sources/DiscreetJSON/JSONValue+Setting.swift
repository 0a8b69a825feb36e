extension JSONValue {
    /// This value with `new` at a path of member names (a JSON pointer's tokens, a dotted field
    /// path's names): through objects (a missing member is created as an object) and through
    /// arrays at an index they hold. Anything else on the way is replaced by an object, so the
    /// value is always placed and whatever stood there never stays.
    public func setting(_ new: JSONValue, at tokens: ArraySlice<String>) -> JSONValue {
        guard let token = tokens.first else { return new }
        let rest = tokens.dropFirst()
        switch self {
        case .array(var a):
            if let i = Int(token), String(i) == token, a.indices.contains(i) {
                a[i] = a[i].setting(new, at: rest)
                return .array(a)
            }
        case .object(var o):
            o[token] = (o[token] ?? .object(JSONObject())).setting(new, at: rest)
            return .object(o)
        default:
            break
        }
        return .object(JSONObject([(token, JSONValue.object(JSONObject()).setting(new, at: rest))]))
    }
}
