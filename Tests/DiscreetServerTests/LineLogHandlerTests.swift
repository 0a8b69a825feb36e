import DiscreetJSON
import Foundation
import Logging
import Synchronization
import Testing

@testable import DiscreetServer

/// Operators' log lines: text or JSON, one line a record, metadata sorted and kept as given.
@Suite struct LineLogHandlerTests {
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
        func append(_ bytes: [UInt8]) { value.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        var all: [String] { value.withLock { $0 } }
    }

    static let t0 = Date(timeIntervalSince1970: 1_780_000_000.25)

    func logger(_ format: LineLogHandler.Format, _ lines: Lines) -> Logger {
        var logger = Logger(label: "discreet") { label in
            LineLogHandler(label: label, format: format, clock: { Self.t0 }, sink: { lines.append($0) })
        }
        logger[metadataKey: "hb.request.id"] = "r-1"
        logger.logLevel = .info
        return logger
    }

    @Test func jsonLinesCarryTimeLevelLabelMessageAndMetadata() throws {
        let lines = Lines()
        logger(.json, lines).info("request", metadata: ["route": "/v1/decisions", "status": "200", "tags": ["a", "b"]])
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let o = try #require(try JSONParser.parse(Array(line.utf8.dropLast())).objectValue)
        #expect(o["time"] == "2026-05-28T20:26:40.250Z")
        #expect(o["level"] == "info")
        #expect(o["label"] == "discreet")
        #expect(o["message"] == "request")
        #expect(o["route"] == "/v1/decisions")
        #expect(o["hb.request.id"] == "r-1")
        #expect(o["tags"] == ["a", "b"])
    }

    @Test func textLinesAreOneLineWithSortedMetadata() {
        let lines = Lines()
        let l = logger(.text, lines)
        l.info("request", metadata: ["status": "200", "method": "POST"])
        l.debug("not written: below the level")
        #expect(lines.all == ["2026-05-28T20:26:40.250Z info discreet: request hb.request.id=r-1 method=POST status=200\n"])
    }

    @Test func aMessageCannotForgeAFieldOrALineInJSON() throws {
        let lines = Lines()
        logger(.json, lines).warning("x\",\"level\":\"critical\n")
        let line = try #require(lines.all.first)
        #expect(line.filter { $0 == "\n" }.count == 1)
        let o = try #require(try JSONParser.parse(Array(line.utf8.dropLast())).objectValue)
        #expect(o["level"] == "warning")
    }

    /// A text line is one record whatever a logged string holds: a newline, a carriage return or
    /// an escape sequence is written escaped, and a value cannot pose as a further `key=value`.
    @Test func aStringCannotForgeALineOrAFieldInText() {
        let lines = Lines()
        logger(.text, lines).warning(
            "x\n2026-05-28T20:26:40.250Z critical discreet: forged\r\u{1B}[2J\\n",
            metadata: ["route": "/a status=200", "k\ney": "v\n"])
        #expect(lines.all.count == 1)
        let line = lines.all[0]
        #expect(line.filter { $0 == "\n" || $0 == "\r" }.count == 1)
        #expect(line.hasSuffix("\n"))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(
            line
                == "2026-05-28T20:26:40.250Z warning discreet: x\\n2026-05-28T20:26:40.250Z critical discreet: forged\\r\\u001b[2J\\\\n"
                + " hb.request.id=r-1 k\\ney=\"v\\n\" route=\"/a status=200\"\n")
    }
}
