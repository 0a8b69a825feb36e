import DiscreetJSON
import DiscreetPolicy

extension Subject {
    /// Reads a `PUT /v1/subjects/{id}` body.
    public init(id: String, body: JSONValue) throws(JSONFieldError) {
        let r = try JSONObjectReader(body)
        try r.rejectUnknown(["tags", "restrictions"])
        var restrictions: [Restriction] = []
        for (i, v) in try r.array("restrictions", required: false).enumerated() {
            let rr = try JSONObjectReader(v, path: "/restrictions/\(i)")
            try rr.rejectUnknown(["provider", "purpose", "category"])
            let category = try rr.optionalString("category").map(CategoryPattern.init)
            if let category, !category.isWellFormed {
                throw JSONFieldError(
                    path: rr.member("category"), message: "expected a category, a wildcard such as health.*, or *")
            }
            let restriction = Restriction(
                provider: try rr.optionalString("provider"), purpose: try rr.optionalString("purpose"), category: category)
            guard !restriction.isEmpty else {
                throw JSONFieldError(path: "/restrictions/\(i)", message: "name a provider, a purpose or a category")
            }
            restrictions.append(restriction)
        }
        self.init(id: id, tags: Set(try r.strings("tags", required: false)), restrictions: restrictions)
    }

    public var json: JSONValue {
        .object(
            JSONObject([
                ("id", .string(id)), ("tags", .strings(tags)),
                (
                    "restrictions",
                    .array(
                        restrictions.map { r in
                            var o = JSONObject()
                            if let p = r.provider { o["provider"] = .string(p) }
                            if let p = r.purpose { o["purpose"] = .string(p) }
                            if let c = r.category { o["category"] = .string(c.text) }
                            return .object(o)
                        })
                ),
            ]))
    }
}
