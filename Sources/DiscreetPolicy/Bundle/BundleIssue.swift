/// One thing wrong with a bundle: where (a JSON Pointer into the document, and the YAML line when
/// known) and what to fix. Messages name keys and expectations, never a record value.
public struct BundleIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let at = path.isEmpty ? "/" : path
        if let line { return "\(at) (line \(line)): \(message)" }
        return "\(at): \(message)"
    }
}

/// A bundle that does not validate; it changes nothing. Every issue found is listed, not only the first.
public struct BundleValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [BundleIssue]

    public init(issues: [BundleIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// A JSON Pointer (RFC 6901) being built while walking a document.
struct Pointer: CustomStringConvertible {
    var tokens: [String] = []

    func appending(_ token: String) -> Pointer { Pointer(tokens: tokens + [token]) }
    func appending(_ index: Int) -> Pointer { appending(String(index)) }

    var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }
}
