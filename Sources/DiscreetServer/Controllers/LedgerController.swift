import DiscreetJSON
import DiscreetLedger
import DiscreetStore
import Foundation
import Hummingbird

/// The ledger for auditors: signed checkpoints, entries, inclusion and consistency proofs, and
/// whether a payload someone holds is the one that was released. Proofs are assembled from
/// O(log n) stored subtree hashes and verify with `ProofVerifier` alone.
struct LedgerController {
    let services: DiscreetServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("ledger/checkpoint", use: checkpoint)
        group.get("ledger/entries/{index}", use: entry)
        group.post("ledger/entries/{index}/match", use: match)
        group.get("ledger/proof/inclusion", use: inclusion)
        group.get("ledger/proof/consistency", use: consistency)
    }

    /// `GET /.well-known/discreet-keys`: the keys that sign checkpoints (signed-note verifier form)
    /// and consent receipts (JWK).
    static func addWellKnown(to router: Router<AppRequestContext>, _ services: DiscreetServices) {
        router.get(".well-known/discreet-keys") { _, _ in
            var keys: [JSONValue] = []
            if let key = services.ledgerKey {
                keys.append([
                    "use": "checkpoint", "algorithm": "Ed25519", "name": .string(key.name),
                    "key_id": .string(ByteText.hex(key.keyID)),
                    "verifier_key": .string(key.encoded),
                    "public_key": .string(key.publicKey.rawRepresentation.base64EncodedString()),
                ])
            }
            let r = services.receipts
            keys.append([
                "use": "consent-receipt", "algorithm": "EdDSA", "name": .string(r.controller), "key_id": .string(r.keyID),
                "public_key": .string(r.publicKey.rawRepresentation.base64EncodedString()), "jwk": r.jwk,
            ])
            return Response.json(["keys": .array(keys)])
        }
    }

    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try await services.cosignedCheckpoint())))
    }

    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let e = try await storedEntry(context)
        switch request.uri.queryParameters["format"] {
        case nil, "json": break
        case "bundle":
            // A disclosure's receipt made a full proof with its index alone.
            return DisclosureController.response(try await services.receiptBundle(subject: "", entries: [e]))
        default: throw Problem.invalidQuery("format", "json or bundle")
        }
        return .json([
            "ledger_index": .number(String(e.index)), "leaf_hash": .string(Data(e.leafHash).base64EncodedString()),
            "entry": .object(try e.checked()),
        ])
    }

    func storedEntry(_ context: AppRequestContext) async throws -> LedgerEntry {
        guard let text = context.parameters.get("index"), let index = Self.number(Substring(text)), index <= UInt64(Int64.max)
        else {
            throw Problem.invalidQuery("index", "a ledger index: a whole number from 0")
        }
        let e = try await services.found("ledger entry at that index") { try await services.store.entry(index: Int64(index)) }
        return e
    }

    /// Whether the payload in the body is, byte for byte once canonical, the one released.
    @Sendable func match(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let e = try await storedEntry(context)
        let payload = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
        guard case .object = payload else {
            throw Problem.invalidField(JSONFieldError(path: "/", message: "expected the released object"))
        }
        let digest = services.secrets.payloadDigest(JSONWriter.encode(payload, sortedKeys: true))
        // A refused request released nothing and has no payload digest: nothing matches it.
        let recorded = try e.checked()["payload_hmac"]?.stringValue
        let matches = recorded.map { APIKeys.constantTimeEquals(Array($0.utf8), Array(digest.utf8)) } ?? false
        return .json(["ledger_index": .number(String(e.index)), "matches": .bool(matches)])
    }

    @Sendable func inclusion(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let head = try await services.storeCall { try await services.store.treeHead() }
        let index = try Self.query(request, "index", required: true)!
        let size = try Self.query(request, "size", required: false) ?? head.size
        guard size <= head.size else { throw Problem.invalidQuery("size", "a tree size no larger than the log (\(head.size))") }
        guard index < size else { throw Problem.invalidQuery("index", "an index below the tree size") }
        let ranges = ProofPlan.inclusion(index: index, size: size)
        let proof = try await hashes(of: ranges + [index..<(index + 1)])
        return .json([
            "index": .number(String(index)), "size": .number(String(size)),
            "leaf_hash": .string(Data(proof.last!).base64EncodedString()),
            "proof": .array(proof.dropLast().map { .string(Data($0).base64EncodedString()) }),
        ])
    }

    @Sendable func consistency(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.auditor)
        let head = try await services.storeCall { try await services.store.treeHead() }
        let from = try Self.query(request, "from", required: true)!
        let to = try Self.query(request, "to", required: false) ?? head.size
        guard to <= head.size else { throw Problem.invalidQuery("to", "a tree size no larger than the log (\(head.size))") }
        guard from >= 1, from <= to else { throw Problem.invalidQuery("from", "a tree size from 1 to 'to'") }
        let proof = try await hashes(of: ProofPlan.consistency(from: from, to: to))
        return .json([
            "from": .number(String(from)), "to": .number(String(to)),
            "proof": .array(proof.map { .string(Data($0).base64EncodedString()) }),
        ])
    }

    /// The hash of each range, from the stored subtrees it needs.
    func hashes(of ranges: [Range<UInt64>]) async throws -> [[UInt8]] {
        let ids = ProofPlan.subtrees(ranges)
        let stored = try await services.storeCall { try await services.store.subtreeHashes(ids) }
        guard let hashes = ProofPlan.hashes(of: ranges, from: stored) else { throw Problem.storeUnavailable }
        return hashes
    }

    static func query(_ request: Request, _ name: String, required: Bool) throws -> UInt64? {
        guard let text = request.uri.queryParameters[Substring(name)] else {
            if required { throw Problem.invalidQuery(name, "a whole number; it is required") }
            return nil
        }
        guard let n = number(text) else { throw Problem.invalidQuery(name, "a whole number from 0") }
        return n
    }

    static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }
}

extension Problem {
    static func invalidQuery(_ name: String, _ expected: String) -> Problem {
        Problem(
            .badRequest, "invalid-query", title: "Invalid query parameter", detail: "'\(name)' must be \(expected).",
            extensions: [("parameter", .string(name))])
    }
}
