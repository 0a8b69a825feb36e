import DiscreetJSON
import DiscreetPolicy
import Foundation

extension Provider {
    /// Reads a `PUT /v1/providers/{id}` body.
    public init(id: String, body: JSONValue) throws(JSONFieldError) {
        let r = try JSONObjectReader(body)
        try r.rejectUnknown(["kind", "agreements", "serves_competitors_of", "recall_webhook"])
        var agreements: [Agreement] = []
        var seen = Set<String>()
        for (i, a) in try r.array("agreements", required: false).enumerated() {
            let agreement = try Agreement(body: a, path: "/agreements/\(i)", fallbackID: "\(id)-\(i + 1)")
            guard seen.insert(agreement.id).inserted else {
                throw JSONFieldError(path: "/agreements/\(i)/id", message: "two agreements have the same id")
            }
            agreements.append(agreement)
        }
        var webhook: RecallWebhook?
        if let w = try r.optionalObject("recall_webhook") {
            try w.rejectUnknown(["url", "secret", "route", "path"])
            if w.object["route"] != nil {
                let route = try w.string("route")
                let path = try w.string("path")
                guard RecallWebhook.isRoutePath(path) else {
                    throw JSONFieldError(
                        path: w.member("path"), message: "expected a path from '/': printable characters without '#'")
                }
                for other in ["url", "secret"] where w.object[other] != nil {
                    throw JSONFieldError(path: w.member(other), message: "give either url and secret, or route and path")
                }
                webhook = .route(route, path: path)
            } else {
                let url = try w.string("url")
                guard RecallWebhook.isWebhookURL(url) else {
                    throw JSONFieldError(
                        path: w.member("url"), message: "expected an http or https URL with a host, no fragment or credentials")
                }
                let secret = try w.string("secret")
                guard RecallWebhook.isSecretName(secret) else {
                    throw JSONFieldError(
                        path: w.member("secret"),
                        message: "a secret's name: at most 64 lowercase letters, digits, '-' and '_' (never the secret)")
                }
                if w.object["path"] != nil {
                    throw JSONFieldError(path: w.member("path"), message: "give either url and secret, or route and path")
                }
                webhook = .url(url, secret: secret)
            }
        }
        self.init(
            id: id, kind: try r.string("kind"), agreements: agreements,
            servesCompetitorsOf: Set(try r.strings("serves_competitors_of", required: false)), recallWebhook: webhook)
    }

    public var json: JSONValue {
        .object(
            JSONObject(
                [
                    ("id", .string(id)), ("kind", .string(kind)), ("suspended", .bool(suspended)),
                    ("agreements", .array(agreements.map(\.json))),
                    ("serves_competitors_of", .strings(servesCompetitorsOf)),
                ] + (recallWebhook.map { [("recall_webhook", $0.json)] } ?? [])))
    }
}

extension RecallWebhook {
    public var json: JSONValue {
        switch self {
        case .url(let url, let secret): .object(JSONObject([("url", .string(url)), ("secret", .string(secret))]))
        case .route(let route, let path): .object(JSONObject([("route", .string(route)), ("path", .string(path))]))
        }
    }
}

extension Agreement {
    init(body: JSONValue, path: String, fallbackID: String) throws(JSONFieldError) {
        let r = try JSONObjectReader(body, path: path)
        try r.rejectUnknown(["id", "type", "purposes", "categories", "valid_from", "valid_until", "document_digest"])
        let from = try r.date("valid_from")
        let until = try r.date("valid_until")
        guard from < until else { throw JSONFieldError(path: r.member("valid_until"), message: "must be after valid_from") }
        self.init(
            id: try r.optionalString("id") ?? fallbackID, type: try r.string("type"),
            purposes: Set(try r.nonEmptyStrings("purposes")), categories: try r.categoryPatterns("categories"),
            validFrom: from, validUntil: until, documentDigest: try r.optionalString("document_digest"))
    }

    public var json: JSONValue {
        var o = JSONObject([
            ("id", .string(id)), ("type", .string(type)), ("purposes", .strings(purposes)),
            ("categories", .array(categories.map { .string($0.text) })), ("valid_from", .date(validFrom)),
            ("valid_until", .date(validUntil)),
        ])
        if let documentDigest { o["document_digest"] = .string(documentDigest) }
        return .object(o)
    }
}
