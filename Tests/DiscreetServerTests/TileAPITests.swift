import DiscreetLedger
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The ledger as C2SP tlog-tiles serves it: the checkpoint and hash tiles without a key, full and
/// partial, rebuilding the checkpoint's root; entry bundles for auditors only, each entry hashing
/// to its tile's leaf hash.
@Suite struct TileAPITests {
    static func get(_ client: some TestClientProtocol, _ uri: String, key: String? = nil) async throws
        -> (status: Int, bytes: [UInt8], cache: String?)
    {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: uri, method: .get, headers: headers) { r in
            (Int(r.status.code), Array(r.body.readableBytesView), r.headers[.cacheControl])
        }
    }

    static func hashes(_ bytes: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: 32).map { Array(bytes[$0..<$0 + 32]) }
    }

    /// RFC 6962's tree hash of a list of leaf hashes.
    static func root(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return RFC6962.nodeHash(root(leaves[..<mid]), root(leaves[mid...]))
    }

    @Test func tilesRebuildTheCheckpointAndEntriesHashToThem() async throws {
        let h = try await Harness()
        try await PaginationTests.appendMany(h, subject: "p-1", 0..<300)
        try await h.test { client in
            let (status, note, _) = try await Self.get(client, "/checkpoint")
            #expect(status == 200)
            let checkpoint = try Checkpoint.open(String(decoding: note, as: UTF8.self), verifier: Harness.ledgerKey.verifier)
            #expect(checkpoint.size == 300)

            var leaves: [[UInt8]] = []
            for path in ["0/000", "0/001.p/44"] {
                let tile = try await Self.get(client, "/tile/" + path)
                #expect(tile.status == 200, "\(path)")
                #expect(tile.cache == "public, max-age=31536000, immutable")
                leaves += Self.hashes(tile.bytes)
            }
            #expect(leaves.count == 300)
            #expect(Self.root(leaves[...]) == checkpoint.root)
            // Level 1: the one complete subtree of 256 leaves.
            let upper = try await Self.get(client, "/tile/1/000.p/1")
            #expect(Self.hashes(upper.bytes) == [Self.root(leaves[0..<256])])
            // What the tree does not have, or a path not written as the spec writes it: 404.
            for path in ["0/001", "0/001.p/45", "0/002", "1/000", "1/000.p/2", "2/000.p/1", "0/0000", "0/x000/001", "nonsense"] {
                let r = try await Self.get(client, "/tile/" + path)
                #expect(r.status == 404, "\(path)")
            }

            // Entry bundles name subjects: auditors only.
            #expect(try await Self.get(client, "/tile/entries/000").status == 401)
            #expect(try await Self.get(client, "/tile/entries/000", key: h.keys["discloser"]).status == 403)
            let bundle = try await Self.get(client, "/tile/entries/001.p/44", key: h.keys["auditor"])
            #expect(bundle.status == 200)
            var entries: [[UInt8]] = []
            var at = 0
            while at < bundle.bytes.count {
                let length = Int(bundle.bytes[at]) << 8 | Int(bundle.bytes[at + 1])
                entries.append(Array(bundle.bytes[at + 2..<at + 2 + length]))
                at += 2 + length
            }
            #expect(entries.map(RFC6962.leafHash) == Array(leaves[256..<300]))
            #expect(try await Self.get(client, "/tile/entries/001", key: h.keys["auditor"]).status == 404)
        }
    }
}
