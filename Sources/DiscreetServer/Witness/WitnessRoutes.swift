import DiscreetLedger
import DiscreetStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// A witness (C2SP tlog-witness), as `discreet witness serve` runs it: `POST /add-checkpoint`
/// cosigns a log's checkpoint only when it is signed by a key the witness trusts for its origin
/// and consistent with every checkpoint it cosigned before. A supervisory authority, a bar
/// association or the people's representatives can run one, so that the professional cannot
/// show one party a history and another party another.
public struct WitnessRoutes: Sendable {
    public let store: any WitnessStateStore
    public let key: CosignerSigningKey
    /// The logs it follows: each log's origin is its key's name.
    public let logs: [NoteVerifierKey]
    public let clock: @Sendable () -> Date
    public let logger: Logger

    public init(
        store: any WitnessStateStore, key: CosignerSigningKey, logs: [NoteVerifierKey],
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "discreet.witness")
    ) {
        self.store = store
        self.key = key
        self.logs = logs
        self.clock = clock
        self.logger = logger
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("add-checkpoint") { request, _ in try await self.addCheckpoint(request) }
        router.get("health") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        return router
    }

    func addCheckpoint(_ request: Request) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: AddCheckpoint.maxBytes)
        } catch {
            return Self.text(.contentTooLarge, "a request is at most \(AddCheckpoint.maxBytes) bytes\n")
        }
        guard let submission = AddCheckpoint(body: Array(body.readableBytesView)),
            let origin = WitnessVerdict.origin(of: submission.note), let checkpointBody = submission.checkpointBody
        else {
            return Self.text(.badRequest, "not an add-checkpoint request: old <size>, proof lines, a blank line, a checkpoint\n")
        }
        let keys = logs.filter { $0.name == origin }
        let now = clock()
        let verdict = try await store.submit(origin: origin, note: submission.note, at: now) { latest in
            WitnessVerdict.judge(submission, keys: keys, latest: latest)
        }
        switch verdict {
        case .cosign(let checkpoint):
            logger.info(
                "cosigned", metadata: ["origin": "\(origin)", "size": "\(checkpoint.size)", "old": "\(submission.oldSize)"])
            let time = UInt64(max(0, now.timeIntervalSince1970))
            let line = try Cosignature.sign(body: checkpointBody, time: time, with: key)
            return Self.text(.ok, line)
        case .badRequest:
            return Self.text(.badRequest, "the old size is beyond the checkpoint's\n")
        case .forbidden:
            return Self.text(.forbidden, "no signature by a key this witness trusts for the origin\n")
        case .unknownOrigin:
            return Self.text(.notFound, "this witness does not follow that log\n")
        case .conflict(let size):
            return Response(
                status: .conflict, headers: [.contentType: "text/x.tlog.size"],
                body: .init(byteBuffer: ByteBuffer(string: "\(size)\n")))
        case .fork(let size):
            logger.critical(
                "a checkpoint of the same size with another root: the log shows two histories",
                metadata: ["origin": "\(origin)", "size": "\(size)"])
            return Response(
                status: .conflict, headers: [.contentType: "text/x.tlog.size"],
                body: .init(byteBuffer: ByteBuffer(string: "\(size)\n")))
        case .inconsistent:
            logger.error("a consistency proof that does not verify", metadata: ["origin": "\(origin)"])
            return Self.text(.unprocessableContent, "the consistency proof does not verify\n")
        }
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
