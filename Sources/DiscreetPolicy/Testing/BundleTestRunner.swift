import Crypto
import DiscreetJSON
import Foundation

/// Runs a bundle's own test cases against its fixtures. Pure: the caller says what "now" is for
/// cases that do not fix their own instant.
public enum BundleTestRunner {
    public struct CaseResult: Sendable {
        public var name: String
        public var failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public static func run(_ bundle: PolicyBundle, now: Date) -> [CaseResult] {
        let engine = DecisionEngine(bundle: bundle)
        // Tests check decisions, not pseudonyms: a fixed secret keeps runs reproducible.
        let secret = SymmetricKey(data: Data(repeating: 0, count: 32))
        return bundle.tests.map { t in
            if let g = t.gateway { return runGateway(t.name, g, at: t.at ?? now, expect: t.expect, bundle, engine, secret) }
            let result: DisclosureResult
            do {
                result = try decide(t, bundle, engine, now: now, secret: secret)
            } catch {
                return CaseResult(name: t.name, failures: ["the request was refused: \(error)"])
            }
            var failures = check(t.expect, result.decisions)
            if let expected = t.notices, expected != result.notices {
                failures.append("notices: expected \(expected), got \(result.notices)")
            }
            if let expected = t.accountable, let purpose = bundle.purposes[t.purpose], expected != purpose.accountable {
                failures.append(
                    "accountable: expected \(expected ? "in" : "out of") the accounting of accountable purposes; "
                        + "purpose '\(t.purpose)' is \(purpose.accountable ? "accountable" : "not accountable")")
            }
            if let expected = t.released, expected != result.released {
                failures.append(
                    "released: expected \(String(decoding: JSONWriter.encode(.object(expected)), as: UTF8.self)), "
                        + "got \(String(decoding: JSONWriter.encode(.object(result.released)), as: UTF8.self))")
            }
            return CaseResult(name: t.name, failures: failures)
        }
    }

    /// A decision test's request decided against the bundle's fixtures, as `run` decides it.
    public static func decide(
        _ t: BundleTestCase, _ bundle: PolicyBundle, _ engine: DecisionEngine, now: Date,
        secret: SymmetricKey = SymmetricKey(data: Data(repeating: 0, count: 32))
    ) throws -> DisclosureResult {
        var input = DecisionInput(
            providerID: t.provider, purpose: t.purpose, subjectID: t.subject, recordType: t.recordType,
            recordTags: t.recordTags, provider: bundle.fixtures.providers[t.provider],
            subject: bundle.fixtures.subjects[t.subject],
            consents: bundle.fixtures.consents.filter { $0.subject == t.subject }, exception: t.exception,
            time: t.at ?? now)
        let pseudonymizer = Pseudonymizer(serviceSecret: secret, providerID: t.provider)
        var result = try engine.disclose(record: t.record, input: input, pseudonymizer: pseudonymizer)
        if !result.missingTokens.isEmpty {
            input.tokens = Self.testTokens(result.missingTokens)
            result = try engine.disclose(record: t.record, input: input, pseudonymizer: pseudonymizer)
        }
        return result
    }

    /// Tests run without a token table: each tokenized field is released as `<token>`, which a
    /// test's `released:` can name.
    static func testTokens(_ fields: [String]) -> [String: String] {
        Dictionary(fields.map { ($0, "<token>") }, uniquingKeysWith: { a, _ in a })
    }

    static func check(_ expect: [(field: String, expectation: BundleTestCase.Expectation)], _ decisions: [FieldDecision])
        -> [String]
    {
        var failures: [String] = []
        for (field, expected) in expect {
            guard let d = decisions.first(where: { $0.field == field }) else {
                failures.append("\(field): expected \(expected), but the record has no such field")
                continue
            }
            if !expected.matches(d) {
                let basis = expected.basis == nil ? "" : " on \(d.basis ?? "no basis")"
                failures.append("\(field): expected \(expected), got \(d.outcome.rawValue) (\(d.reason.rawValue))\(basis)")
            }
        }
        return failures
    }

    /// A sample body on a gateway route: decided as the gateway decides it, and the body that would
    /// be forwarded compared, as JSON, with the one expected.
    static func runGateway(
        _ name: String, _ g: BundleTestCase.GatewayCase, at time: Date,
        expect: [(field: String, expectation: BundleTestCase.Expectation)], _ bundle: PolicyBundle,
        _ engine: DecisionEngine, _ secret: SymmetricKey
    ) -> CaseResult {
        func failed(_ why: String) -> CaseResult { CaseResult(name: name, failures: [why]) }
        guard let route = bundle.gateway[g.route] else { return failed("no gateway route '\(g.route)'") }
        var parameters: [String: String] = [:]
        if let path = g.path {
            guard let matched = route.path.match(path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)) else {
                return failed("the path \(path) does not match the route's \(route.path)")
            }
            parameters = matched
        }
        let parts: GatewayBody
        do {
            parts = try GatewayBody(g.body, location: route.record)
        } catch {
            return failed("the body does not hold the route's record: \(error)")
        }
        let headers = Dictionary(g.headers.map { ($0.key.lowercased(), $0.value) }) { a, _ in a }
        let subjects: GatewaySubjects
        do {
            subjects = try route.subjects(
                of: parts, body: g.body, parameters: parameters, header: { headers[$0.lowercased()] })
        } catch {
            return failed("the request does not carry the subject's id where route '\(route.id)' reads it")
        }
        var inputs = subjects.groups.map { group in
            DecisionInput(
                providerID: route.provider, purpose: route.purpose, subjectID: group.subjectID, recordType: route.recordType,
                recordTags: [], provider: bundle.fixtures.providers[route.provider],
                subject: bundle.fixtures.subjects[group.subjectID],
                consents: bundle.fixtures.consents.filter { $0.subject == group.subjectID }, exception: nil, time: time)
        }
        var results: [RecordsDisclosure]
        do {
            let pseudonymizer = Pseudonymizer(serviceSecret: secret, providerID: route.provider)
            results = try engine.disclose(bySubject: subjects.batches(parts, inputs: inputs), pseudonymizer: pseudonymizer)
            if results.contains(where: { !$0.missingTokens.isEmpty }) {
                for (k, r) in results.enumerated() { inputs[k].tokens = Self.testTokens(r.missingTokens) }
                results = try engine.disclose(bySubject: subjects.batches(parts, inputs: inputs), pseudonymizer: pseudonymizer)
            }
        } catch {
            return failed("the request was refused: \(error)")
        }
        var failures = check(expect, results.flatMap(\.decisions))
        let forwarded = parts.forwarded(subjects.inBodyOrder(results.map(\.released), count: parts.records.count))
        if let expected = g.forwarded, expected != forwarded {
            failures.append(
                "forwarded: expected \(String(decoding: JSONWriter.encode(expected), as: UTF8.self)), "
                    + "got \(String(decoding: JSONWriter.encode(forwarded), as: UTF8.self))")
        }
        return CaseResult(name: name, failures: failures)
    }

}
