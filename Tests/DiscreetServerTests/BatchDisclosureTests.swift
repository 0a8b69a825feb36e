import DiscreetJSON
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DiscreetServer

/// `POST /v1/disclosures/batch`: each line decided, recorded and answered on its own line, in
/// order; a line that fails is answered with its problem and stops nothing.
@Suite struct BatchDisclosureTests {
    static func line(_ subject: String, purpose: String = "debt-collection") -> String {
        var body = Sample.disclosure(purpose: purpose, subject: subject).objectValue!
        body["record"] = ["name": "Zelda Quixote-Marsh", "account_number": "FR76-1"]
        return JSONWriter.string(.object(body))
    }

    static func post(
        _ client: some TestClientProtocol, _ h: Harness, _ body: String, as role: String = "discloser",
        type: String = "application/x-ndjson"
    ) async throws -> (status: HTTPResponse.Status, lines: [JSONValue], type: String?) {
        try await client.execute(
            uri: "/v1/disclosures/batch", method: .post,
            headers: [.authorization: "Bearer \(h.keys[role]!)", .contentType: type], body: ByteBuffer(string: body)
        ) { r in
            let text = String(buffer: r.body)
            let lines = text.split(separator: "\n").map { (try? JSONParser.parse(Array($0.utf8))) ?? .string(String($0)) }
            return (r.status, lines, r.headers[.contentType])
        }
    }

    @Test func eachLineIsAnsweredInOrderAndAFailingLineStopsNothing() async throws {
        let h = try await Harness()
        try await h.test { client in
            let body =
                [
                    Self.line("p-1"), "{\"provider\": ", "", Self.line("p-2", purpose: "golf"), "[1]", Self.line("p-3"),
                ].joined(separator: "\n") + "\n"
            let r = try await Self.post(client, h, body)
            #expect(r.status == .ok)
            #expect(r.type == "application/x-ndjson")
            #expect(r.lines.map { $0["line"] } == [1, 2, 4, 5, 6])
            #expect(r.lines[0]["disclosure"]?["released"]?["name"] == "Zelda Quixote-Marsh")
            // Lines are decided together: the answers keep the body's order, the ledger its own.
            let indexes = Set(
                [0, 4].compactMap { r.lines[$0]["disclosure"]?["receipt"]?["ledger_index"].map { JSONWriter.string($0) } })
            #expect(indexes == ["0", "1"])
            #expect(r.lines[1]["problem"]?["type"] == "urn:discreet:problem:malformed-json")
            #expect(r.lines[2]["problem"]?["type"] == "urn:discreet:problem:unknown-purpose")
            #expect(r.lines[3]["problem"]?["type"] == "urn:discreet:problem:invalid-field")
            // Each line has its own entry; the refused ones none.
            #expect(try await h.store.entryCount() == 2)
            // Tokens are issued per subject, as for single calls.
            let t1 = r.lines[0]["disclosure"]?["released"]?["account_number"]?.stringValue
            let t3 = r.lines[4]["disclosure"]?["released"]?["account_number"]?.stringValue
            #expect(t1 != nil && t3 != nil && t1 != t3)
            // No answer repeats what a bad line held.
            #expect(!JSONWriter.string(.array(r.lines)).contains("golf"))
        }
    }

    @Test func aLineOverTheLimitIsAnsweredAloneAndTheNextIsRead() async throws {
        let h = try await Harness(maxBodyBytes: 1_024)
        try await h.test { client in
            let long = "{\"provider\":\"" + String(repeating: "x", count: 5_000) + "\"}"
            let r = try await Self.post(client, h, [Self.line("p-1"), long, Self.line("p-2")].joined(separator: "\n"))
            #expect(r.lines.map { $0["line"] } == [1, 2, 3])
            #expect(r.lines[1]["problem"]?["type"] == "urn:discreet:problem:body-too-large")
            // The last line had no newline: it is read all the same.
            #expect(r.lines[2]["disclosure"]?["receipt"] != nil)
            #expect(try await h.store.entryCount() == 2)
        }
    }

    @Test func aBodyCutOffMidLineAnswersThatLineAsMalformed() async throws {
        let h = try await Harness()
        try await h.test { client in
            let line = Self.line("p-2")
            let r = try await Self.post(client, h, Self.line("p-1") + "\n" + line.prefix(line.count / 2))
            #expect(r.lines.count == 2)
            #expect(r.lines[0]["disclosure"] != nil)
            #expect(r.lines[1]["problem"]?["type"] == "urn:discreet:problem:malformed-json")
            #expect(try await h.store.entryCount() == 1)
        }
    }

    @Test func onlyDisclosersSendBatchesAndOnlyAsNDJSON() async throws {
        let h = try await Harness()
        try await h.test { client in
            for role in ["provider:recouvra", "auditor", "admin"] {
                let r = try await Self.post(client, h, Self.line("p-1"), as: role)
                #expect(r.status == .forbidden, "\(role)")
            }
            let json = try await Self.post(client, h, Self.line("p-1"), type: "application/json")
            #expect(json.status == .unsupportedMediaType)
            let count = try await h.store.entryCount()
            #expect(count == 0)
        }
    }
}

/// A client that goes away mid-stream, on a real socket: every line it was answered is in the
/// ledger, nothing more is read, and the service goes on.
@Suite struct BatchDisconnectTests {
    @Test func aClientGoneMidStreamLeavesEveryAnsweredLineInTheLedgerAndNothingAfter() async throws {
        let h = try await Harness(port: 0)
        try await h.app.test(.live) { client in
            let port = try #require(client.port)
            let c = try await RawConnection.open(port: port)
            let head =
                "POST /v1/disclosures/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(h.keys["discloser"]!)\r\n"
                + "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
            #expect(await c.send(head))
            let lines = (1...10).map { BatchDisclosureTests.line("p-\($0)") + "\n" }.joined()
            #expect(await c.send(String(lines.utf8.count, radix: 16) + "\r\n" + lines + "\r\n"))
            // Its bound is generous: on two cores beside every other suite, ten answers took over 10 s.
            let received = await c.receive(for: 30) { $0.components(separatedBy: "\"line\":").count - 1 >= 10 }
            #expect(received.components(separatedBy: "\"disclosure\":").count - 1 == 10, "\(received.prefix(600))")
            // The body never ends: the client closes instead.
            await c.close()
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await h.store.entryCount() == 10)
            // A later line on a new connection is its own request; the service still answers.
            let after = try await client.execute(uri: "/health", method: .get) { $0.status }
            #expect(after == .ok)
            #expect(try await h.store.entryCount() == 10)
        }
    }
}
