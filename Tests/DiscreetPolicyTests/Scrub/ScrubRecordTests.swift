import DiscreetJSON
import Foundation
import Testing

@testable import DiscreetPolicy

/// Record-aware scrubbing through the engine: the values of the record's other fields that this
/// decision withholds or transforms leave the free text too, however the note writes them; a
/// value released as is stays.
@Suite struct ScrubRecordTests {
    static let bundle = try! BundleParser.parse(
        """
        version: scrub-1
        regimes:
          open: { consent: not-required }
        categories:
          identity.name: open
          identity.birthdate: open
          contact.phone: open
          contact.city: open
          financial.account: open
          note.text: open
        records:
          debtor:
            name: identity.name
            birth: identity.birthdate
            phone: contact.phone
            city: contact.city
            account: financial.account
            comments: note.text
            notes[]: note.text
        purposes:
          collections:
            contact.phone: { mask: 2 }
            identity.birthdate: { generalize: year }
            contact.city: release
            note.text: { scrub: [EMAIL, CARD] }
          everything:
            note.text: scrub
        """)
    static let engine = DecisionEngine(bundle: bundle)
    static let provider = Provider(
        id: "recouvra", kind: "service-provider",
        agreements: [
            Agreement(
                id: "ag", type: "DPA", purposes: ["collections", "everything"], categories: [CategoryPattern("*")],
                validFrom: Date(timeIntervalSince1970: 0), validUntil: Date(timeIntervalSince1970: 4_000_000_000))
        ], servesCompetitorsOf: [])
    static let secret = Pseudonymizer(serviceSecret: .init(data: Data(repeating: 1, count: 32)), providerID: "recouvra")

    func disclose(_ record: JSONObject, purpose: String = "collections") throws -> DisclosureResult {
        let input = DecisionInput(
            providerID: "recouvra", purpose: purpose, subjectID: "d-1", recordType: "debtor", recordTags: [],
            provider: Self.provider, subject: nil, consents: [], exception: nil, time: Date(timeIntervalSince1970: 1_800_000_000))
        return try Self.engine.disclose(record: record, input: input, pseudonymizer: Self.secret)
    }

    func scrubbedNote(_ note: String, _ fields: [(String, JSONValue)] = ScrubRecordTests.souza) throws -> (
        String?, FieldDecision?
    ) {
        let result = try disclose(JSONObject(fields + [("comments", .string(note))]))
        return (result.released["comments"]?.stringValue, result.decisions.first { $0.field == "comments" })
    }

    static let souza: [(String, JSONValue)] = [
        ("name", "Ana Lúcia Souza"), ("birth", "1984-03-14"), ("phone", "+33 6 12 34 56 78"), ("city", "Lyon"),
        ("account", "FR-ACC-00417"),
    ]

    @Test(arguments: [
        // The whole name, in other case and without accents; the surname alone; initial and surname.
        ("Called ANA LUCIA SOUZA today", "Called [identity.name] today"),
        ("Mme Souza a rappelé", "Mme [identity.name] a rappelé"),
        ("spoke to A. Souza", "spoke to [identity.name]"),
        ("Souza, Ana: pays monthly", "[identity.name]: pays monthly"),
        ("lúcia called back", "[identity.name] called back"),
        // The phone in its national form and other separators; the account with other spacing.
        ("joignable au 06.12.34.56.78 le soir", "joignable au [contact.phone] le soir"),
        ("joignable au +33 (6) 12-34-56-78", "joignable au [contact.phone]"),
        ("account fr acc 00417 closed", "account [financial.account] closed"),
        // The birth date however it is written.
        ("née le 14 mars 1984 à Lyon", "née le [identity.birthdate] à Lyon"),
        ("DOB 14/03/1984.", "DOB [identity.birthdate]."),
        ("born March 14, 1984", "born [identity.birthdate]"),
        // A released value (the city) stays; an unrelated date stays (DATE is not asked for).
        ("moved to Lyon on 02/01/2026", "moved to Lyon on 02/01/2026"),
        // Kinds the purpose asks for are scrubbed beside the record's values.
        ("Souza paid with 4970 1012 3456 7893, mail ana@x.fr", "[identity.name] paid with [CARD], mail [EMAIL]"),
    ])
    func recordValuesLeaveTheNote(note: String, expected: String) throws {
        let (out, decision) = try scrubbedNote(note)
        #expect(out == expected)
        #expect(decision?.transform == "scrub")
        #expect(decision?.outcome == .transformed)
    }

    @Test func theDecisionCountsWhatWasRemovedByLabelAndNeverSaysWhat() throws {
        let (_, d) = try scrubbedNote("Souza (06 12 34 56 78), Ana Souza again, card 4970 1012 3456 7893")
        #expect(
            d?.scrubbed == [
                ScrubCount(label: "CARD", count: 1), ScrubCount(label: "contact.phone", count: 1),
                ScrubCount(label: "identity.name", count: 2),
            ])
        let (_, clean) = try scrubbedNote("nothing to see")
        #expect(clean?.scrubbed == [])
    }

    @Test func shortValuesAndCommonWordsAreNotLookedFor() throws {
        let (out, _) = try scrubbedNote(
            "the rue and Li stay", [("name", "Li"), ("account", "12 rue de la Paix"), ("phone", "42")])
        // "Li" (two letters) and "42" are too short; "rue" and "la" are common words, and "12 rue"
        // holds no word that says something alone. "de la Paix" does, and goes whole.
        #expect(out == "the rue and Li stay")
        let (out2, _) = try scrubbedNote("avenue de la Paix, 12 rue", [("account", "12 rue de la Paix")])
        #expect(out2 == "avenue [financial.account], 12 rue")
        let (out3, _) = try scrubbedNote("code F33.2 noted", [("account", "F33.2 recurrent")])
        #expect(out3 == "code [financial.account] noted")
    }

    @Test func unmappedMembersAreWithheldAndLeaveTheNoteAsWithheld() throws {
        let (out, _) = try scrubbedNote("ask for Ms Quillebeuf", [("nickname", "Quillebeuf")])
        #expect(out == "ask for Ms [withheld]")
    }

    @Test func eachNoteOfAnArrayIsScrubbedAndCounted() throws {
        let result = try disclose(
            JSONObject(ScrubRecordTests.souza + [("notes", .array(["Souza called", "no answer", "ana.souza@example.fr"]))]))
        #expect(result.released["notes"] == .array(["[identity.name] called", "no answer", "[EMAIL]"]))
        let notes = result.decisions.filter { $0.field.hasPrefix("notes[") }
        #expect(
            notes.map(\.scrubbed) == [[ScrubCount(label: "identity.name", count: 1)], [], [ScrubCount(label: "EMAIL", count: 1)]])
    }

    @Test func plainScrubTakesEveryKind() throws {
        let result = try disclose(
            JSONObject([("comments", "call 06 12 34 56 78 on 14/03/2026 from 10.0.0.1")]), purpose: "everything")
        #expect(result.released["comments"] == "call [PHONE] on [DATE] from [IP]")
    }

    @Test func aScrubbedNumberBecomesText() throws {
        let result = try disclose(JSONObject([("comments", .number("612345678"))]))
        #expect(result.released["comments"] == "612345678")
        let other = try disclose(JSONObject([("comments", .object(JSONObject()))]))
        #expect(other.decisions.first?.reason == .untransformable)
    }

    @Test(arguments: [
        ("note.text: { scrub: [EMAIL, PASSPORT] }", "/purposes/p/note.text/scrub/1"),
        ("note.text: { scrub: EMAIL }", "/purposes/p/note.text/scrub"),
        ("note.text: scrubs", "/purposes/p/note.text"),
    ])
    func theBundleRefusesAnUnknownKindByItsPath(transform: String, path: String) throws {
        let error = try #require(throws: BundleValidationError.self) {
            _ = try BundleParser.parse(Self.bundleSourceWith(transform))
        }
        #expect(error.issues.map(\.path) == [path])
        #expect(error.issues.first?.message.contains("US-SSN") == true || !transform.contains("scrub:"))
    }

    @Test func theBundleTakesEveryKindByItsPlaceholder() throws {
        let all = ScrubKind.allCases.map(\.name).joined(separator: ", ")
        let bundle = try BundleParser.parse(Self.bundleSourceWith("note.text: { scrub: [\(all)] }"))
        #expect(bundle.purposes["p"]?.transforms["note.text"] == .scrub(.all))
    }

    static func bundleSourceWith(_ transform: String) -> String {
        """
        version: x
        regimes: { open: { consent: not-required } }
        categories: { note.text: open }
        records: { r: { comments: note.text } }
        purposes:
          p:
            \(transform)
        """
    }
}

/// `released` in a bundle's test: the exact record expected to leave, so a bundle can pin what a
/// scrubbed note reads.
@Suite struct ScrubBundleTestCaseTests {
    static func bundle(released: String) throws -> PolicyBundle {
        try BundleParser.parse(
            """
            version: x
            regimes: { open: { consent: not-required } }
            categories: { identity.name: open, note.text: open }
            records: { r: { name: identity.name, comments: note.text } }
            purposes: { p: { note.text: { scrub: [PHONE] } } }
            fixtures:
              providers:
                acme: { kind: service-provider, agreements: [{ id: a, type: DPA, purposes: [p], categories: ["*"],
                        valid_from: 2025-01-01, valid_until: 2030-01-01 }] }
            tests:
              - name: the note loses the name and the phone
                at: 2026-01-01T00:00:00Z
                request: { provider: acme, purpose: p, subject: s, record_type: r,
                           record: { name: "Ana Souza", comments: "Souza: 06 12 34 56 78" } }
                expect: { comments: transformed, name: not-needed }
                released: \(released)
            """)
    }

    @Test func theExactRecordIsCompared() throws {
        let pass = BundleTestRunner.run(try Self.bundle(released: #"{ comments: "[identity.name]: [PHONE]" }"#), now: Date())
        #expect(pass.map(\.failures) == [[]])
        let fail = BundleTestRunner.run(try Self.bundle(released: #"{ comments: "Souza: [PHONE]" }"#), now: Date())
        #expect(
            fail.map(\.failures) == [
                [#"released: expected {"comments":"Souza: [PHONE]"}, got {"comments":"[identity.name]: [PHONE]"}"#]
            ])
    }

    @Test func releasedIsAMappingAndGoesWithRequest() {
        let error = #expect(throws: BundleValidationError.self) { _ = try Self.bundle(released: "[1]") }
        #expect(error?.issues.map(\.path) == ["/tests/0/released"])
    }
}
