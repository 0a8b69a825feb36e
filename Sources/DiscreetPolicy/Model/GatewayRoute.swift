/// A route of the gateway (DESIGN §9): which provider and purpose traffic on it is for, what it
/// matches, where the subject and the record sit in a body, and the upstream it reaches with a
/// credential named here and kept elsewhere (`<data-dir>/secrets/upstreams/NAME` or
/// `DISCREET_UPSTREAM_<NAME>`), never written in the bundle.
public struct GatewayRoute: Sendable, Equatable {
    /// `egress`: an app sends to a provider through `/gateway/{route}/…`. `pull`: a provider
    /// fetches from the professional's internal API through `/pull/{route}/…`.
    public enum Direction: String, Sendable, CaseIterable { case egress, pull }

    /// Where a request's subject id sits. Every source but `eachRecord` names one subject for the
    /// whole request; `eachRecord` names one per record, so that a body carrying several people's
    /// records decides each under its own person (DESIGN §9).
    public enum SubjectSource: Sendable, Equatable {
        /// One subject for the request, at a pointer outside the records' array.
        case pointer(JSONPointer)
        case pathParameter(String)
        case header(String)
        /// Each record's own subject, at this pointer inside the record: `/items/*/subject` on a
        /// route whose records are `/items/*` is `eachRecord(/subject)`.
        case eachRecord(JSONPointer)
    }

    /// How the provider knows the route's subjects (DESIGN §9). `id`: by the professional's id.
    /// `token`: only by the provider's own token for the subject, so that a debt collector can say
    /// "account X still unpaid" without knowing who X is. On egress the subject's id is replaced
    /// wherever the route reads it (body, path, header) by that token; on a pull route the provider
    /// names a subject by one of its tokens, which discreet resolves before the internal API is
    /// called, so the internal API never sees a token nor the provider an id.
    public enum SubjectNaming: String, Sendable, Equatable, CaseIterable {
        case id, token
    }

    /// The field path under which a subject's own token is issued and indexed: not a record's
    /// field path (those are dotted names), so it never collides with one.
    public static let subjectTokenField = "@subject"

    public enum RecordLocation: Sendable, Equatable {
        /// The record is the value at the pointer (the whole body for the empty pointer).
        case at(JSONPointer)
        /// Each element of the array at the pointer is a record, decided on its own (`/items/*`).
        case each(JSONPointer)
    }

    public enum UpstreamAuth: Sendable, Equatable {
        case none
        case bearer(secret: String)
        case basic(secret: String)
        case header(name: String, secret: String)

        /// The named secret, if any.
        public var secret: String? {
            switch self {
            case .none: nil
            case .bearer(let s), .basic(let s), .header(_, let s): s
            }
        }
    }

    public var id: String
    public var direction: Direction
    public var provider: String
    public var purpose: String
    public var recordType: String
    public var method: String
    public var path: PathTemplate
    public var subject: SubjectSource
    /// `subject: { …, as: token }`; `id` when not said.
    public var subjectNaming: SubjectNaming = .id
    public var record: RecordLocation
    /// The upstream's base URL (`https://api.example/v2`), without query, fragment or credentials.
    public var upstream: String
    public var auth: UpstreamAuth
    public var timeoutSeconds: Double

    public init(
        id: String, direction: Direction, provider: String, purpose: String, recordType: String, method: String,
        path: PathTemplate, subject: SubjectSource, record: RecordLocation, upstream: String, auth: UpstreamAuth,
        timeoutSeconds: Double
    ) {
        self.id = id
        self.direction = direction
        self.provider = provider
        self.purpose = purpose
        self.recordType = recordType
        self.method = method
        self.path = path
        self.subject = subject
        self.record = record
        self.upstream = upstream
        self.auth = auth
        self.timeoutSeconds = timeoutSeconds
    }
}

/// A path template such as `/v1/accounts/{account}`: literal segments and named parameters, each
/// a whole segment. No regular expressions: what a route matches can be read at a glance.
public struct PathTemplate: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public var segments: [Segment]

    /// Nil when the text is not `/` followed by segments of unreserved characters or `{name}`.
    public init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        var segments: [Segment] = []
        var names = Set<String>()
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) where !(part.isEmpty && text == "/")
        {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                let name = String(part.dropFirst().dropLast())
                guard name.utf8.allSatisfy(Self.isNameByte), names.insert(name).inserted else { return nil }
                segments.append(.parameter(name))
            } else {
                guard !part.isEmpty, part.utf8.allSatisfy(Self.isUnreserved) else { return nil }
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
    }

    public var parameters: [String] {
        segments.compactMap { if case .parameter(let n) = $0 { n } else { nil } }
    }

    /// Whether some concrete path matches both templates: the same number of segments, and no
    /// position where both are literals that differ.
    public func overlaps(_ other: PathTemplate) -> Bool {
        guard segments.count == other.segments.count else { return false }
        return zip(segments, other.segments).allSatisfy { a, b in
            if case .literal(let x) = a, case .literal(let y) = b { return x == y }
            return true
        }
    }

    public var description: String {
        "/"
            + segments.map {
                switch $0 {
                case .literal(let s): s
                case .parameter(let n): "{\(n)}"
                }
            }.joined(separator: "/")
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "_")
    }

    /// RFC 3986 unreserved characters.
    static func isUnreserved(_ b: UInt8) -> Bool {
        isNameByte(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
    }
}

/// An RFC 6901 JSON Pointer, as its unescaped reference tokens.
public struct JSONPointer: Sendable, Equatable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Nil for text that is neither empty nor `/`-led, or that holds a `~` not followed by 0 or 1.
    public init?(_ text: String) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var out: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var i = raw.startIndex
            while i < raw.endIndex {
                let c = raw[i]
                if c == "~" {
                    let next = raw.index(after: i)
                    guard next < raw.endIndex, raw[next] == "0" || raw[next] == "1" else { return nil }
                    token.append(raw[next] == "0" ? "~" : "/")
                    i = raw.index(after: next)
                } else {
                    token.append(c)
                    i = raw.index(after: i)
                }
            }
            out.append(token)
        }
        tokens = out
    }

    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }
}
