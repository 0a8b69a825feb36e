import Foundation
import Testing

/// `discreet policy init --preset NAME…` as a user runs it: a bundle from the law, written where
/// asked, that `policy test` passes.
@Suite(.serialized) struct PolicyInitTests {
    typealias CLI = CLITests

    @Test func aPresetIsWrittenToANewFileAndPassesPolicyTest() async throws {
        let file = CLI.temporary() + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try await CLI.run(["policy", "init", "--preset", "part2", "--output", file])
        #expect(r.status == 0)
        #expect(r.out.isEmpty)
        #expect(r.err == "part2: 8 tests, each passing under `discreet policy test`\n")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.hasPrefix("# 42 CFR Part 2: the records of a substance use disorder program."))
        let t = try await CLI.run(["policy", "test", file])
        #expect(t.status == 0)
        #expect(t.out.contains("PASS 42 CFR 2.51 (triggers): in a medical emergency the records reach the treating physicians"))
        #expect(t.out.hasSuffix("8 passed, 0 failed\n"))
        // An existing file is never overwritten.
        let again = try await CLI.run(["policy", "init", "--preset", "hipaa", "--output", file])
        #expect(again.status != 0)
        #expect(again.err.contains("exists: name a new file, or remove it"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == written)
    }

    @Test func presetsCombineOnStandardOutputAndSayWhatTheyLeftOut() async throws {
        let r = try await CLI.run(["policy", "init", "--preset", "hipaa", "--preset", "gdpr-art9"])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("# discreet policy init: presets hipaa, gdpr-art9, combined; the strictest rule wins.\n"))
        #expect(r.err.contains("hipaa + gdpr-art9: "))
        #expect(r.err.contains("tests left out: another preset's stricter rule now decides them:\n"))
        #expect(r.err.contains("  hipaa: 45 CFR 164.506 (triggers): a diagnosis goes for payment without an authorization\n"))
        let file = CLI.temporary() + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try r.out.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await CLI.run(["policy", "test", file]).status == 0)
    }

    @Test func anUnknownOrMissingPresetIsRefusedNamingThePresets() async throws {
        let unknown = try await CLI.run(["policy", "init", "--preset", "hippa"])
        #expect(unknown.status == 64)
        #expect(
            unknown.err.contains(
                "unknown preset 'hippa'; the presets are: hipaa, part2, gdpr-art9, fr-secret-pro, aba-1.6, trade-secret"))
        let none = try await CLI.run(["policy", "init"])
        #expect(none.status == 64)
        #expect(none.err.contains("name a preset with --preset: hipaa, part2"))
        let twice = try await CLI.run(["policy", "init", "--preset", "hipaa", "--preset", "hipaa"])
        #expect(twice.status == 2)
        #expect(twice.err == "Error: the presets cannot be combined: preset 'hipaa' is named twice\n")
    }

    @Test func listNamesEachPresetAndItsRules() async throws {
        let r = try await CLI.run(["policy", "init", "--list"])
        #expect(r.status == 0)
        #expect(r.out.contains("part2: 42 CFR Part 2: written consent naming the recipient"))
        #expect(r.out.contains("    42 CFR 2.31; 42 CFR 2.32; 42 CFR 2.51; 42 CFR 2.12(c)(4)\n"))
        #expect(r.out.components(separatedBy: "\n").filter { !$0.hasPrefix(" ") && !$0.isEmpty }.count == 6)
    }
}
