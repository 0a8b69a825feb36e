import DiscreetLedger
import DiscreetSQLite
import DiscreetServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `discreet witness serve`'s routes over HTTP, on a real SQLite file: every status the
/// tlog-witness spec defines, cosignatures that verify under the witness's vkey, the state kept
/// across a restart, and one cosignature when many race the same old size.
@Suite struct WitnessServerTests {
    let logKey = NoteSigningKey(name: "clinic.example/ledger", privateKey: .init())
    let witnessKey = CosignerSigningKey(name: "witness.example/w1", privateKey: .init())
    let directory = NSTemporaryDirectory() + "discreet-witness-" + UUID().uuidString

    /// The log's leaves, nodes and signed checkpoint at `n` leaves; `salt` makes another history.
    func log(_ n: Int, salt: String = "") throws -> (note: String, nodes: [NodeID: [UInt8]]) {
        var range = CompactRange()
        var nodes: [NodeID: [UInt8]] = [:]
        for i in 0..<n {
            for (id, h) in range.append(leafHash: RFC6962.leafHash(Array("entry \(i)\(salt)".utf8))) { nodes[id] = h }
        }
        return (try Checkpoint(origin: logKey.name, size: UInt64(n), root: range.root).signed(with: logKey), nodes)
    }

    func submission(old: Int, _ n: Int, salt: String = "", proofSalt: String = "") throws -> String {
        let (note, _) = try log(n, salt: salt)
        let nodes = try log(n, salt: proofSalt).nodes
        let proof = old == 0 ? [] : ProofPlan.hashes(of: ProofPlan.consistency(from: UInt64(old), to: UInt64(n)), from: nodes)!
        return AddCheckpoint(oldSize: UInt64(old), proof: proof, note: note).body
    }

    func app() throws -> some ApplicationProtocol {
        let routes = WitnessRoutes(store: try WitnessDatabase(directory: directory), key: witnessKey, logs: [logKey.verifier])
        return Application(router: routes.router())
    }

    static func post(_ client: some TestClientProtocol, _ body: String) async throws
        -> (status: HTTPResponse.Status, text: String, type: String?)
    {
        try await client.execute(uri: "/add-checkpoint", method: .post, body: ByteBuffer(string: body)) { r in
            (r.status, String(buffer: r.body), r.headers[.contentType])
        }
    }

    @Test func everyStatusOfTheSpecOverHTTP() async throws {
        let store = try WitnessDatabase(directory: directory)
        let routes = WitnessRoutes(store: store, key: witnessKey, logs: [logKey.verifier])
        try await Application(router: routes.router()).test(.router) { client in
            // First sight: cosigned, and the cosignature verifies under the witness's vkey alone.
            let first = try await Self.post(client, try submission(old: 0, 5))
            #expect(first.status == .ok)
            let (five, _) = try log(5)
            let witness = try #require(CosignerKey(vkey: witnessKey.verifier.vkey))
            #expect(try Cosignature.verify(note: five + first.text, key: witness) > 1_700_000_000)
            // Growth with its proof.
            #expect(try await Self.post(client, try submission(old: 5, 9)).status == .ok)
            // A stale old size: 409 with the latest size, as text/x.tlog.size.
            let stale = try await Self.post(client, try submission(old: 5, 12))
            #expect(stale.status == .conflict)
            #expect(stale.text == "9\n")
            #expect(stale.type == "text/x.tlog.size")
            // Another history of the same size: 409, kept as evidence. A bad proof: 422, kept too.
            let fork = try await Self.post(client, try submission(old: 9, 9, salt: "forked"))
            #expect(fork.status == .conflict)
            #expect(fork.text == "9\n")
            #expect(try await Self.post(client, try submission(old: 9, 12, proofSalt: "other")).status == .unprocessableContent)
            #expect(try await store.refusals(origin: logKey.name) == 2)
            // Old beyond the checkpoint, not a request, another log, another key, too large.
            #expect(
                try await Self.post(client, try submission(old: 9, 12).replacingOccurrences(of: "old 9", with: "old 13")).status
                    == .badRequest)
            #expect(try await Self.post(client, "hello\n").status == .badRequest)
            let stranger = NoteSigningKey(name: "other.example/log", privateKey: .init())
            let foreign = AddCheckpoint(
                oldSize: 0, proof: [],
                note: try Checkpoint(origin: stranger.name, size: 1, root: RFC6962.emptyRoot).signed(with: stranger))
            #expect(try await Self.post(client, foreign.body).status == .notFound)
            let impostor = NoteSigningKey(name: logKey.name, privateKey: .init())
            let forged = AddCheckpoint(
                oldSize: 9, proof: [],
                note: try Checkpoint(origin: logKey.name, size: 9, root: RFC6962.emptyRoot).signed(with: impostor))
            #expect(try await Self.post(client, forged.body).status == .forbidden)
            #expect(try await Self.post(client, String(repeating: "x", count: 20_000)).status == .contentTooLarge)
            #expect(try await store.latest(origin: logKey.name)?.size == 9)
        }
        // Restarted on the same file: it remembers where the log was.
        try await app().test(.router) { client in
            let again = try await Self.post(client, try submission(old: 0, 12))
            #expect(again.status == .conflict)
            #expect(again.text == "9\n")
        }
    }

    /// The check and the update are one step: of many submissions racing from the same old size,
    /// one is cosigned and the others are told the new size.
    @Test func racingSubmissionsGetOneCosignature() async throws {
        let store = try WitnessDatabase(directory: directory)
        let routes = WitnessRoutes(store: store, key: witnessKey, logs: [logKey.verifier])
        try await Application(router: routes.router()).test(.router) { client in
            #expect(try await Self.post(client, try submission(old: 0, 5)).status == .ok)
            let bodies = try (6...25).map { try submission(old: 5, $0) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for body in bodies { group.addTask { try await Self.post(client, body).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 19)
        }
    }
}
