import DiscreetPolicy
import Testing

/// The bundle's `gateway` section (DESIGN §9): routes read whole, and each problem named with its
/// path and line.
@Suite struct GatewayBundleTests {
    static let base = BundleValidationTests.base

    static func bundle(_ routes: String) -> String {
        base + "\ngateway:\n  routes:\n" + routes
    }

    static let collect = """
            collect:
              provider: recouvra
              purpose: billing
              record-type: patient
              match: { method: post, path: "/v1/accounts/{account}/claims" }
              subject: { path-parameter: account }
              record: { pointer: /items/* }
              upstream:
                url: https://api.recouvra.test/v2/
                auth: { bearer: recouvra-token }
                timeout: 2.5

        """

    func issues(_ text: String) -> [BundleIssue] { BundleValidationTests().issues(text) }

    @Test func aRouteIsReadWhole() throws {
        let b = try BundleParser.parse(Self.bundle(Self.collect))
        let r = try #require(b.gateway["collect"])
        #expect(r.direction == .egress)
        #expect(r.provider == "recouvra")
        #expect(r.purpose == "billing")
        #expect(r.recordType == "patient")
        #expect(r.method == "POST")
        #expect(r.path.description == "/v1/accounts/{account}/claims")
        #expect(r.path.parameters == ["account"])
        #expect(r.subject == .pathParameter("account"))
        #expect(r.record == .each(JSONPointer("/items")!))
        #expect(r.upstream == "https://api.recouvra.test/v2")
        #expect(r.auth == .bearer(secret: "recouvra-token"))
        #expect(r.timeoutSeconds == 2.5)
    }

    @Test func aPullRouteWithAHeaderSecretAndTheWholeBodyAsRecord() throws {
        let b = try BundleParser.parse(
            Self.bundle(
                """
                    fetch:
                      direction: pull
                      provider: facturo
                      purpose: billing
                      record-type: patient
                      match: { method: GET, path: "/patients/{id}" }
                      subject: { pointer: /id }
                      record: { pointer: "" }
                      upstream: { url: "http://ehr.internal:8080", auth: { header: X-Api-Key, secret: ehr_key } }

                """))
        let r = try #require(b.gateway["fetch"])
        #expect(r.direction == .pull)
        #expect(r.subject == .pointer(JSONPointer("/id")!))
        #expect(r.record == .at(JSONPointer("")!))
        #expect(r.auth == .header(name: "X-Api-Key", secret: "ehr_key"))
        #expect(r.timeoutSeconds == 10)
    }

    /// Each problem at its own path, with a line: unknown names, a method the direction does not
    /// take, a regular expression, a parameter the path lacks, bad pointers, credentials in a URL,
    /// a secret written where its name belongs.
    @Test(arguments: [
        ("purpose: billing", "purpose: golf", "/gateway/routes/collect/purpose"),
        ("record-type: patient", "record-type: invoice", "/gateway/routes/collect/record-type"),
        ("method: post", "method: get", "/gateway/routes/collect/match/method"),
        (#""/v1/accounts/{account}/claims""#, #""/v1/accounts/[0-9]+/claims""#, "/gateway/routes/collect/match/path"),
        ("{ path-parameter: account }", "{ path-parameter: acct }", "/gateway/routes/collect/subject/path-parameter"),
        ("{ path-parameter: account }", "{ pointer: patient/id }", "/gateway/routes/collect/subject/pointer"),
        ("{ path-parameter: account }", "{ pointer: /a, header: X-S }", "/gateway/routes/collect/subject"),
        ("{ pointer: /items/* }", "{ pointer: /items/*/x }", "/gateway/routes/collect/record/pointer"),
        ("{ pointer: /items/* }", "{ pointer: /it~2ems }", "/gateway/routes/collect/record/pointer"),
        ("url: https://api.recouvra.test/v2/", "url: https://user:pw@api.recouvra.test", "/gateway/routes/collect/upstream/url"),
        ("url: https://api.recouvra.test/v2/", "url: https://token@api.recouvra.test", "/gateway/routes/collect/upstream/url"),
        ("url: https://api.recouvra.test/v2/", "url: ftp://api.recouvra.test", "/gateway/routes/collect/upstream/url"),
        ("url: https://api.recouvra.test/v2/", "url: https://api.recouvra.test/?k=v", "/gateway/routes/collect/upstream/url"),
        ("{ bearer: recouvra-token }", "{ bearer: \"sk_live_A1b2C3\" }", "/gateway/routes/collect/upstream/auth/bearer"),
        ("{ bearer: recouvra-token }", "{ token: abc }", "/gateway/routes/collect/upstream/auth/token"),
        ("timeout: 2.5", "timeout: 0", "/gateway/routes/collect/upstream/timeout"),
        ("timeout: 2.5", "timeout: 301", "/gateway/routes/collect/upstream/timeout"),
        ("{ path-parameter: account }", "{ path-parameter: account, as: alias }", "/gateway/routes/collect/subject/as"),
        ("{ path-parameter: account }", "{ as: token }", "/gateway/routes/collect/subject"),
    ])
    func eachProblemIsNamedWithItsPathAndLine(_ old: String, _ new: String, _ path: String) {
        let text = Self.bundle(Self.collect.replacingOccurrences(of: old, with: new))
        let found = issues(text)
        #expect(found.map(\.path).contains(path), "\(found)")
        #expect(found.allSatisfy { $0.line != nil }, "\(found)")
    }

    /// `as: token`: the provider knows subjects by token. Not said: by id, and the route's digest
    /// is the one it had before the option existed.
    @Test func aRouteMaySayItsProviderKnowsSubjectsByToken() throws {
        let plain = try #require(try BundleParser.parse(Self.bundle(Self.collect)).gateway["collect"])
        #expect(plain.subjectNaming == .id)
        #expect(!plain.releasesSubjectToken)
        let byID = try #require(
            try BundleParser.parse(
                Self.bundle(Self.collect.replacingOccurrences(of: "account }", with: "account, as: id }"))
            ).gateway["collect"])
        #expect(byID == plain)
        #expect(byID.definitionDigest == plain.definitionDigest)
        let byToken = try #require(
            try BundleParser.parse(
                Self.bundle(Self.collect.replacingOccurrences(of: "account }", with: "account, as: token }"))
            ).gateway["collect"])
        #expect(byToken.subject == .pathParameter("account"))
        #expect(byToken.subjectNaming == .token)
        #expect(byToken.releasesSubjectToken)
        #expect(byToken.definitionDigest != plain.definitionDigest)
        // A pull route naming the subject in its path was handed the token: it releases none.
        var pull = byToken
        pull.direction = .pull
        #expect(!pull.releasesSubjectToken)
        pull.subject = .pointer(JSONPointer("/id")!)
        #expect(pull.releasesSubjectToken)
    }

    @Test func aSecretsValueNeverAppearsInAnIssue() {
        let found = issues(Self.bundle(Self.collect.replacingOccurrences(of: "recouvra-token", with: "\"sk_live_A1b2C3\"")))
        #expect(!found.isEmpty)
        #expect(!found.contains { $0.message.contains("sk_live") })
    }

    @Test func twoRoutesOfOneProviderThatMatchTheSameRequestOverlap() {
        let other = Self.collect.replacingOccurrences(of: "collect:", with: "again:").replacingOccurrences(
            of: #""/v1/accounts/{account}/claims""#, with: #""/v1/accounts/{id}/{what}""#
        ).replacingOccurrences(of: "path-parameter: account", with: "path-parameter: id")
        let found = issues(Self.bundle(Self.collect + other))
        #expect(found.map(\.path) == ["/gateway/routes/again/match"], "\(found)")
        #expect(found.first?.message.contains("overlaps route 'collect'") == true)
        // Just missed: another literal segment, another method or another provider do not overlap.
        for change in [
            ("claims", "notes"), ("method: post", "method: put"), ("provider: recouvra", "provider: facturo"),
        ] {
            let apart = Self.collect.replacingOccurrences(of: "collect:", with: "again:").replacingOccurrences(
                of: change.0, with: change.1)
            #expect(issues(Self.bundle(Self.collect + apart)).isEmpty, "\(change)")
        }
    }

    @Test(arguments: [
        ("/", 0), ("/a", 1), ("/a/{b}/c.d~e", 3),
    ])
    func pathTemplates(_ text: String, _ count: Int) throws {
        let t = try #require(PathTemplate(text))
        #expect(t.segments.count == count)
        #expect(t.description == text)
    }

    @Test(arguments: ["", "a", "/a/", "//a", "/a/{b}/{b}", "/{}", "/a?b", "/a*", "/(x)", "/a b"])
    func notPathTemplates(_ text: String) {
        #expect(PathTemplate(text) == nil)
    }

    @Test func pointersFollowRFC6901() {
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("/a~1b/c~0d/")?.tokens == ["a/b", "c~d", ""])
        #expect(JSONPointer("/a~1b/c~0d/")?.description == "/a~1b/c~0d/")
        #expect(JSONPointer("a") == nil)
        #expect(JSONPointer("/a~2") == nil)
        #expect(JSONPointer("/a~") == nil)
    }
}
