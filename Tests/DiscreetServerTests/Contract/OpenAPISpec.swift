import DiscreetJSON
import Foundation
import Yams

/// openapi.yaml, read as JSON values, with just enough of JSON Schema to check the server's answers:
/// `$ref`, `allOf`, `type` (one or several), `required`, `properties`, `items`, `enum`, `const`,
/// `minItems`; `minimum` and `pattern` are not checked.
struct OpenAPISpec {
    let document: JSONObject

    static let root: URL = {
        // Tests/DiscreetServerTests/Contract/OpenAPISpec.swift → the package root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static let path = root.appendingPathComponent("openapi.yaml").path

    /// The API (`openapi.yaml`), or the metrics listener's own document (`openapi-metrics.yaml`).
    static func load(_ file: String = "openapi.yaml") throws -> OpenAPISpec {
        let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
        guard let node = try Yams.compose(yaml: text), case .object(let o) = json(node) else {
            throw SpecError("openapi.yaml is not a mapping")
        }
        return OpenAPISpec(document: o)
    }

    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let s):
            if s.style != .plain { return .string(s.string) }
            if s.string == "null" || s.string == "~" { return .null }
            if s.string == "true" { return .bool(true) }
            if s.string == "false" { return .bool(false) }
            if Int(s.string) != nil { return .number(s.string) }
            return .string(s.string)
        case .sequence(let seq): return .array(seq.map(json))
        case .mapping(let m): return .object(JSONObject(m.map { ($0.key.string ?? "", json($0.value)) }))
        case .alias: return .null
        }
    }

    /// Every `METHOD /path` the spec describes.
    var operations: Set<String> {
        var out = Set<String>()
        for (path, item) in document["paths"]?.objectValue?.members ?? [] {
            for (method, _) in item.objectValue?.members ?? [] where method != "parameters" {
                out.insert("\(method.uppercased()) \(path)")
            }
        }
        return out
    }

    func operation(_ method: String, _ path: String) -> JSONObject? {
        document["paths"]?.objectValue?[path]?.objectValue?[method.lowercased()]?.objectValue
    }

    func resolve(_ value: JSONValue) -> JSONValue {
        guard case .string(let ref)? = value.objectValue?["$ref"], ref.hasPrefix("#/") else { return value }
        var current: JSONValue = .object(document)
        for token in ref.dropFirst(2).split(separator: "/") { current = current.objectValue?[String(token)] ?? .null }
        return resolve(current)
    }

    /// Problems with `body` as the answer of `status` for this operation; empty when it conforms.
    func check(method: String, path: String, status: Int, contentType: String?, body: JSONValue) -> [String] {
        guard let op = operation(method, path) else { return ["\(method) \(path) is not in the spec"] }
        guard let responseRef = op["responses"]?.objectValue?[String(status)] else {
            return ["\(method) \(path) answered \(status), which the spec does not list"]
        }
        let response = resolve(responseRef)
        guard let content = response.objectValue?["content"]?.objectValue else {
            return body == .null ? [] : ["\(method) \(path) \(status) has a body the spec does not describe"]
        }
        let type = contentType?.split(separator: ";").first.map(String.init) ?? ""
        guard let media = content[type]?.objectValue, let schema = media["schema"] else {
            return ["\(method) \(path) \(status) answered \(type), the spec lists \(content.keys)"]
        }
        var errors: [String] = []
        if let item = media["x-item-schema"] {
            // NDJSON: each line is one item (a body of one line was read as that item already).
            let items: [JSONValue]
            if case .string(let text) = body {
                items = text.split(separator: "\n").map { (try? JSONParser.parse(Array($0.utf8))) ?? .string(String($0)) }
            } else {
                items = [body]
            }
            for (i, value) in items.enumerated() { validate(value, against: item, at: "line \(i + 1)", into: &errors) }
        } else {
            validate(body, against: schema, at: "", into: &errors)
        }
        return errors.map { "\(method) \(path) \(status): \($0)" }
    }

    func validate(_ value: JSONValue, against schemaRef: JSONValue, at path: String, into errors: inout [String]) {
        guard let schema = resolve(schemaRef).objectValue else { return }
        for part in schema["allOf"]?.arrayValue ?? [] { validate(value, against: part, at: path, into: &errors) }
        if let options = schema["oneOf"]?.arrayValue {
            let fitting = options.filter { option in
                var e: [String] = []
                validate(value, against: option, at: path, into: &e)
                return e.isEmpty
            }
            if fitting.count != 1 { errors.append("\(path.isEmpty ? "/" : path) fits \(fitting.count) of oneOf, not one") }
        }
        if let types = schema["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue ?? ""]
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                errors.append("\(path.isEmpty ? "/" : path) is \(value.typeName), expected \(allowed)")
                return
            }
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            errors.append("\(path) is not one of the enum values")
        }
        if let c = schema["const"], c != value { errors.append("\(path) is not the constant \(c)") }
        if case .object(let o) = value {
            for r in schema["required"]?.arrayValue ?? [] where o[r.stringValue ?? ""] == nil {
                errors.append("\(path) misses required \(r.stringValue ?? "")")
            }
            for (k, sub) in schema["properties"]?.objectValue?.members ?? [] {
                if let v = o[k] { validate(v, against: sub, at: "\(path)/\(k)", into: &errors) }
            }
            if schema["additionalProperties"] == .bool(false) {
                let known = Set(schema["properties"]?.objectValue?.keys ?? [])
                for k in o.keys where !known.contains(k) { errors.append("\(path)/\(k) is not in the schema") }
            }
        }
        if case .array(let a) = value, case .number(let min)? = schema["minItems"], let m = Int(min), a.count < m {
            errors.append("\(path) has \(a.count) items, fewer than \(m)")
        }
        if case .array(let a) = value, let items = schema["items"] {
            for (i, v) in a.enumerated() { validate(v, against: items, at: "\(path)/\(i)", into: &errors) }
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("number", .number): true
        case ("integer", .number(let n)): Int(n) != nil
        default: false
        }
    }
}

struct SpecError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
