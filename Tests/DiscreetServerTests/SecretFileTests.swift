import Foundation
import Testing

@testable import DiscreetServer

/// Secret files: created 0600 exclusively, refused when others may read them, never followed
/// through a link.
@Suite struct SecretFileTests {
    func directory() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("secretfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aNewFileIsCreatedAt0600WithTheMadeBytes() throws {
        let path = try directory() + "/secrets/ledger.key"
        let made = Data(repeating: 5, count: 32)
        #expect(try SecretFile.loadOrCreate(path: path, noun: "key") { made } == made)
        #expect(try mode(path) == 0o600)
        #expect(try mode((path as NSString).deletingLastPathComponent) == 0o700)
        #expect(FileManager.default.contents(atPath: path) == made)
        // Read back, not made again.
        #expect(try SecretFile.loadOrCreate(path: path, noun: "key") { Data(repeating: 6, count: 32) } == made)
    }

    /// Replicas sharing one secrets directory start together: every one of them gets the same
    /// bytes, none reads a file another has created but not yet written.
    @Test func processesCreatingTheSameFileAtOnceAllGetTheOneWritten() async throws {
        for round in 0..<40 {
            let path = try directory() + "/secrets/ledger.key"
            let got = await withTaskGroup(of: Result<Data, any Error>.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        Result { try SecretFile.loadOrCreate(path: path, noun: "key") { Data(repeating: UInt8(n), count: 32) } }
                    }
                }
                return await group.reduce(into: [Result<Data, any Error>]()) { $0.append($1) }
            }
            let values = got.compactMap { try? $0.get() }
            #expect(
                values.count == 8, "round \(round): \(got.compactMap { if case .failure(let e) = $0 { "\(e)" } else { nil } })")
            #expect(Set(values).count == 1 && values.first == FileManager.default.contents(atPath: path))
            if values.count != 8 { return }
        }
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660, 0o602, 0o620])
    func aFileOthersMayReadOrWriteIsRefused(_ bits: Int) throws {
        let path = try directory() + "/service.secret"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: 32)))
        try FileManager.default.setAttributes([.posixPermissions: bits], ofItemAtPath: path)
        #expect(throws: SecretFile.Failure.tooOpen(path, "secret", mode: UInt32(bits))) {
            try SecretFile.loadOrCreate(path: path, noun: "secret") { Data(repeating: 2, count: 32) }
        }
        #expect(FileManager.default.contents(atPath: path) == Data(repeating: 1, count: 32))
    }

    @Test(arguments: [0o600, 0o400])
    func anOwnerOnlyFileIsRead(_ bits: Int) throws {
        let path = try directory() + "/service.secret"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: 32)))
        try FileManager.default.setAttributes([.posixPermissions: bits], ofItemAtPath: path)
        #expect(try SecretFile.load(path: path, noun: "secret") == Data(repeating: 1, count: 32))
    }

    @Test(arguments: [0, 31, 33, 4096])
    func aFileOfAnotherLengthIsRefused(_ length: Int) throws {
        let path = try directory() + "/service.secret"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 1, count: length)))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(throws: SecretFile.Failure.badLength(path, "secret")) { try SecretFile.load(path: path, noun: "secret") }
    }

    @Test func aSymbolicLinkIsNeitherFollowedNorWrittenThrough() throws {
        let d = try directory()
        let target = d + "/elsewhere"
        let path = d + "/ledger.key"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: SecretFile.Failure.cannotRead(path, "key")) {
            try SecretFile.loadOrCreate(path: path, noun: "key") { Data(repeating: 3, count: 32) }
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func loadCreatesNothing() throws {
        let path = try directory() + "/secrets/ledger.key"
        #expect(try SecretFile.load(path: path, noun: "key") == nil)
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
    }
}
