// The baseline for scripts/bench-http: Hummingbird on the same machine, decoding and re-encoding
// the same body with the same JSON code, with no key, no policy, no store and no ledger. What
// discreet does beyond this is what its ratio to this baseline measures.
import DiscreetJSON
import Foundation
import Hummingbird
import Logging

let port = CommandLine.arguments.firstIndex(of: "--port").flatMap { Int(CommandLine.arguments[$0 + 1]) } ?? 8091
let router = Router()
router.get("health") { _, _ in
    Response(
        status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))
    )
}
for path in ["v1/disclosures", "v1/decisions"] {
    router.post(RouterPath(path)) { request, _ -> Response in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let value = try buffer.withUnsafeReadableBytes { raw throws(JSONParseError) in try JSONParser.parse(raw) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value))))
    }
}
var logger = Logger(label: "baseline")
logger.logLevel = .error
try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    .runService()
