import Foundation

extension PathTemplate {
    /// The template's parameters for a request path's segments as received (percent-encoded), or
    /// nil when the path does not match. A parameter is percent-decoded, and refused when it is
    /// empty, `.` or `..`, or decodes to a `/`, `\` or a control character: forwarded upstream,
    /// such a segment could reach another path than the one the route names.
    public func match(_ segments: [Substring]) -> [String: String]? {
        guard segments.count == self.segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (template, raw) in zip(self.segments, segments) {
            switch template {
            case .literal(let literal):
                guard raw == literal else { return nil }
            case .parameter(let name):
                guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty, decoded != ".", decoded != "..",
                    decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "\\" })
                else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }
}
