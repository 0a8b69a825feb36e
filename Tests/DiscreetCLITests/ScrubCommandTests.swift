import DiscreetTestSupport
import Foundation
import Testing

/// `discreet policy scrub`: plain text in and out, or JSON lines with spans for scoring.
@Suite struct ScrubCommandTests {
    /// Run off the cooperative pool (`offPool`), like every CLI run of the tests.
    static func scrub(_ arguments: [String], input: String) async throws -> CLITests.Run {
        try await offPool { try scrubBlocking(arguments, input: input) }
    }

    private static func scrubBlocking(_ arguments: [String], input: String) throws -> CLITests.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = ["policy", "scrub"] + arguments
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLITests.Run(
            status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func plainTextIsScrubbedAndTheCountsGoToStandardError() async throws {
        let r = try await Self.scrub(
            ["--kinds", "PHONE,EMAIL"], input: "Call 06 12 34 56 78 or ana@x.fr, card 4970 1012 3456 7893")
        #expect(r.status == 0)
        #expect(r.out == "Call [PHONE] or [EMAIL], card 4970 1012 3456 7893")
        #expect(r.err == "removed: EMAIL: 1, PHONE: 1\n")
    }

    @Test func jsonLinesGiveSpansInScalarsOfTheInput() async throws {
        let r = try await Self.scrub(
            ["--jsonl"], input: #"{"text":"é Souza 06 12 34 56 78","record":{"identity.name":"Ana Souza"}}"# + "\n")
        #expect(r.status == 0)
        #expect(
            r.out
                == #"{"text":"é [identity.name] [PHONE]","counts":{"PHONE":1,"identity.name":1},"spans":[[2,7,"identity.name"],[8,22,"PHONE"]]}"#
                + "\n")
    }

    @Test func anUnknownKindOrABadLineIsRefusedByName() async throws {
        let kind = try await Self.scrub(["--kinds", "PASSPORT"], input: "x")
        #expect(kind.status == 64)
        #expect(kind.err.contains("--kinds: unknown kind; expected EMAIL, PHONE, IBAN, CARD, US-SSN, FR-NIR, URL, IP, DATE"))
        let line = try await Self.scrub(["--jsonl"], input: "{\"text\": 1}\n")
        #expect(line.status == 64)
        #expect(line.err.contains("line 1: expected"))
    }
}

/// The Safe Harbor example bundle: a test per rule of 164.514(b)(2), all passing.
@Suite struct SafeHarborExampleTests {
    @Test func everyRuleOfTheExampleBundlePasses() async throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let r = try await CLITests.run(["policy", "test", root.appendingPathComponent("examples/safe-harbor.yaml").path])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.hasSuffix("9 passed, 0 failed\n"))
    }
}

/// A text scrub would withhold whole is said so, plainly or as its JSON line, never half-scrubbed.
@Suite struct ScrubCommandWithheldTests {
    @Test func aTextThatDoesNotSettleIsWithheld() async throws {
        let chain = "call " + String(repeating: "+(415) 5(415) 5 ", count: 40)
        let plain = try await ScrubCommandTests.scrub([], input: chain)
        #expect(plain.status == 64)
        #expect(plain.err.contains("the text would be withheld: it does not settle"))
        #expect(plain.out.isEmpty)
        let lines = try await ScrubCommandTests.scrub(
            ["--jsonl"], input: "{\"text\": \"\(chain)\"}\n{\"text\": \"ok 06 12 34 56 78\"}\n")
        #expect(lines.status == 0)
        #expect(lines.out.hasPrefix("{\"withheld\":true}\n{\"text\":\"ok [PHONE]\""))
    }
}
