import DiscreetLedger
import DiscreetStore
import Foundation
import Hummingbird
import NIOCore

/// The ledger as C2SP tlog-tiles serves it, so that standard tile clients and witnesses that read
/// tiles can follow and check it: `GET /checkpoint` and `GET /tile/<L>/<N>[.p/<W>]` (hashes only,
/// without a key, like the checkpoint's size and root), and `GET /tile/entries/<N>[.p/<W>]`,
/// behind the auditor role, since entries name subjects. Tiles come from the stored subtrees.
struct TileController {
    let services: DiscreetServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("checkpoint", use: checkpoint)
        router.group("tile/entries").add(middleware: AuthenticationMiddleware(keys: services.store))
            .add(middleware: RoleMiddleware.auditor)
            .get("**", use: entries)
        router.get("tile/**", use: hashes)
    }

    /// A full tile never changes; a partial one is the same bytes for as long as it is served.
    static let immutable = "public, max-age=31536000, immutable"

    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: try await services.cosignedCheckpoint())))
    }

    @Sendable func hashes(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case .hashes(let level, let index, let width)? = TilePath(context.parameters.getCatchAll()) else {
            throw Problem.notFound("tile: tile/<L>/<N>[.p/<W>] as C2SP tlog-tiles writes it")
        }
        let count = try await Self.count(level: level, index: index, width: width, services)
        let ids = TilePath.nodes(level: level, index: index, count: count)
        let stored = try await services.storeCall { try await services.store.subtreeHashes(ids) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 * count)
        for id in ids {
            guard let hash = stored[id] else { throw Problem.storeUnavailable }
            bytes += hash
        }
        return Self.tile(bytes)
    }

    @Sendable func entries(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case .entries(let index, let width)? = TilePath(["entries"] + context.parameters.getCatchAll()) else {
            throw Problem.notFound("entry bundle: tile/entries/<N>[.p/<W>] as C2SP tlog-tiles writes it")
        }
        let count = try await Self.count(level: 0, index: index, width: width, services)
        let start = Int64(index) * Int64(TilePath.width)
        let entries = try await services.storeCall { try await services.store.entries(from: start, limit: count) }
        guard entries.count == count else { throw Problem.storeUnavailable }
        var bytes: [UInt8] = []
        for e in entries {
            // Each entry prefixed by its length as two bytes, big-endian.
            guard let length = UInt16(exactly: e.entry.count) else { throw Problem.entryTooLargeForTile(index: e.index) }
            bytes += [UInt8(length >> 8), UInt8(length & 0xFF)] + e.entry
        }
        return Self.tile(bytes)
    }

    /// The number of hashes the tile holds: 256 when full, `width` for a partial one whose nodes
    /// all exist; 404 for one the tree does not have (yet).
    static func count(level: Int, index: UInt64, width: Int?, _ services: DiscreetServices) async throws -> Int {
        let size = try await services.storeCall { try await services.store.treeHead().size }
        let available = TilePath.available(level: level, index: index, size: size)
        let wanted = width ?? TilePath.width
        guard available >= wanted else { throw Problem.notFound("tile: the log has no such tile yet") }
        return wanted
    }

    static func tile(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: immutable],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Problem {
    /// An entry of 64 KiB or more cannot be framed in an entry bundle; read it by its index.
    static func entryTooLargeForTile(index: Int64) -> Problem {
        Problem(
            .unprocessableContent, "entry-too-large-for-tile", title: "Entry too large for an entry bundle",
            detail:
                "Ledger entry \(index) is 64 KiB or more, which an entry bundle cannot frame: read it at /v1/ledger/entries/\(index).",
            extensions: [("ledger_index", .number(String(index)))])
    }
}
