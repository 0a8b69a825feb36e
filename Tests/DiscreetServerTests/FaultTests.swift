import DiscreetJSON
import DiscreetSQLite
import Foundation
import GRDB
import HummingbirdTesting
import Testing

/// Real faults on a real data directory: a tmpfs that fills up, one remounted read-only. Mounting
/// needs root, as developers and CI are here.
@Suite(.serialized) struct FaultTests {
    /// Root with mount(8): a real tmpfs can fill up. Where it cannot, the tests are skipped and
    /// the skip names why; under CI (`CI=true`, which runs as root) they must run, so there a
    /// missing capability fails the run instead of skipping silently.
    static let canMount: Bool = {
        let can = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount")
        if !can && ProcessInfo.processInfo.environment["CI"] == "true" {
            fatalError("CI must run the fault tests as root with /usr/bin/mount")
        }
        return can
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A fresh tmpfs of `size`, unmounted after `body`.
    static func withTmpfs(size: String, _ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "discreet-fault-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #require(try run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir]) == 0)
        do {
            try await body(dir)
        } catch {
            try run("/usr/bin/umount", ["-l", dir])
            throw error
        }
        try run("/usr/bin/umount", ["-l", dir])
    }

    @Test(.enabled(if: canMount, "needs root and mount(8) for a real tmpfs")) func aFullDiskAnswers503ReleasesNothingAndRecovers()
        async throws
    {
        try await Self.withTmpfs(size: "4m") { dir in
            let h = try await Harness(directory: dir + "/data")
            try await h.test { client in
                #expect(
                    try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure()).status == .ok)
                // Fill the disk for real.
                let filler = dir + "/filler"
                #expect(FileManager.default.createFile(atPath: filler, contents: nil))
                let handle = try #require(FileHandle(forWritingAtPath: filler))
                let chunk = Data(repeating: 0x55, count: 16 * 1024)
                while (try? handle.write(contentsOf: chunk)) != nil {}
                try? handle.close()
                var refused = 0
                for _ in 0..<5 {
                    let r = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
                    if r.status == .serviceUnavailable {
                        refused += 1
                        #expect(r.body["type"] == "urn:discreet:problem:ledger-unavailable")
                        #expect(r.body["released"] == nil)
                        for v in Sample.values { #expect(!JSONWriter.string(r.body).contains(v)) }
                    }
                }
                #expect(refused == 5, "a full disk must refuse every disclosure")
                #expect(try await client.call(.get, "/health", as: nil, h).status == .ok)
                // Space returns: so does service.
                try FileManager.default.removeItem(atPath: filler)
                let back = try await client.call(.post, "/v1/disclosures", as: "discloser", h, json: Sample.disclosure())
                #expect(back.status == .ok)
                #expect(back.body["receipt"]?["ledger_index"] == 1)
            }
            #expect(try await h.store.entryCount() == 2)
        }
    }

    /// A running store cannot be remounted read-only (the kernel refuses while its files are open);
    /// a store on a read-only filesystem must then refuse to open rather than half-work.
    @Test(.enabled(if: canMount, "needs root and mount(8) for a real tmpfs")) func aStoreOnAReadOnlyDiskDoesNotOpen() async throws
    {
        try await Self.withTmpfs(size: "8m") { dir in
            do {
                let store = try SQLiteStore(directory: dir + "/data")
                _ = try await store.savePolicy(label: "v", digest: "d", source: "s", at: Date())
            }
            try #require(try Self.run("/usr/bin/mount", ["-o", "remount,ro", dir]) == 0)
            let error = #expect(throws: DatabaseError.self) { _ = try SQLiteStore(directory: dir + "/data") }
            #expect(
                [ResultCode.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_IOERR].contains(error?.resultCode),
                "\(String(describing: error))")
            try #require(try Self.run("/usr/bin/mount", ["-o", "remount,rw", dir]) == 0)
            #expect(try await SQLiteStore(directory: dir + "/data").currentPolicy()?.label == "v")
        }
    }
}
