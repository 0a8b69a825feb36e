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
            let input = DecisionInput(
                providerID: t.provider, purpose: t.purpose, subjectID: t.subject, recordType: t.recordType,
                recordTags: t.recordTags, provider: bundle.fixtures.providers[t.provider],
                subject: bundle.fixtures.subjects[t.subject],
                consents: bundle.fixtures.consents.filter { $0.subject == t.subject }, exception: t.exception,
                time: t.at ?? now)
            let result: DisclosureResult
            do {
                result = try engine.disclose(
                    record: t.record, input: input, pseudonymizer: Pseudonymizer(serviceSecret: secret, providerID: t.provider))
            } catch {
                return CaseResult(name: t.name, failures: ["the request was refused: \(error)"])
            }
            var failures: [String] = []
            for (field, expected) in t.expect {
                guard let d = result.decisions.first(where: { $0.field == field }) else {
                    failures.append("\(field): expected \(expected), but the record has no such field")
                    continue
                }
                if !expected.matches(d) {
                    failures.append("\(field): expected \(expected), got \(d.outcome.rawValue) (\(d.reason.rawValue))")
                }
            }
            return CaseResult(name: t.name, failures: failures)
        }
    }
}
