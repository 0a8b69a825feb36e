import DiscreetJSON
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DiscreetServer

/// `POST /v1/disclosures/batch` with `text/csv`: a nightly export piped through discreet. The
/// header is the record type's field paths; provider, purpose and subject are columns or query
/// parameters; out come the released columns, or each line's decisions on request.
@Suite struct BatchCSVTests {
    static func post(
        _ client: some TestClientProtocol, _ h: Harness, _ query: String, _ body: String
    ) async throws -> (status: HTTPResponse.Status, text: String, type: String?) {
        try await client.execute(
            uri: "/v1/disclosures/batch?" + query, method: .post,
            headers: [.authorization: "Bearer \(h.keys["discloser"]!)", .contentType: "text/csv"],
            body: ByteBuffer(string: body)
        ) { r in (r.status, String(buffer: r.body), r.headers[.contentType]) }
    }

    static let export = """
        subject,name,birth_date,diagnosis,address.city,account_number\r
        p-1,Zelda Quixote-Marsh,1979-11-03,F33.2,Valognes,FR76-1\r
        p-2,"Marsh, Ana",1984-02-29,,"Saint-Lô",FR76-2\r
        ,No Subject,1990-01-01,,,\r
        p-3,"Line
        Break",1970-05-05,F32.1,Lyon,FR76-3\r
        p-4,too,many,cells,here,x,y\r

        """

    @Test func theReleasedColumnsLeaveRowByRowAndEachRowIsItsOwnEntry() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await Self.post(
                client, h, "provider=recouvra&purpose=debt-collection&record_type=patient", Self.export)
            #expect(r.status == .ok)
            #expect(r.type == "text/csv; charset=utf-8")
            let rows = r.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            // The header is the record's columns; the subject column does not travel.
            #expect(rows.first == "name,birth_date,diagnosis,address.city,account_number")
            // Rows decided (p-1, p-2, p-3); the row without a subject and the one of seven cells left out.
            #expect(rows.count == 4, "\(rows)")
            // The debt collector gets the name and the birth year, never the diagnosis; the account is tokenized.
            let first = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(first[0] == "Zelda Quixote-Marsh")
            #expect(first[1] == "1979")
            #expect(first[2] == "")
            #expect(first[4].hasPrefix("tok_"))
            #expect(rows[2].hasPrefix("\"Marsh, Ana\",1984,"))
            #expect(!r.text.contains("F33.2") && !r.text.contains("F32.1") && !r.text.contains("FR76"))
            #expect(try await h.store.entryCount() == 3)
        }
    }

    @Test func aReportNamesEachLinesDecisionsOrProblemWithoutValues() async throws {
        let h = try await Harness()
        try await h.test { client in
            let csv = try await Self.post(
                client, h, "provider=recouvra&purpose=debt-collection&record_type=patient&report=csv", Self.export)
            #expect(csv.status == .ok)
            let rows = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.first == "line,disclosure_id,ledger_index,field,outcome,reason,transform,problem")
            // A row per field of lines 2, 3 and 5 (the quoted line break keeps line 5 one row), a
            // row per refused line (4: no subject; 7: seven cells), numbered by the line it starts on.
            let lines = rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] }
            #expect(Set(lines) == ["2", "3", "4", "5", "7"])
            #expect(rows.contains { $0.hasPrefix("2,dsc-") && $0.contains(",diagnosis,withheld,") })
            #expect(rows.contains("4,,,,,,,invalid-field"))
            #expect(rows.contains("7,,,,,,,malformed-csv"))
            #expect(!csv.text.contains("Zelda") && !csv.text.contains("F33.2"))

            let nd = try await Self.post(
                client, h, "provider=recouvra&purpose=debt-collection&record_type=patient&report=ndjson", Self.export)
            #expect(nd.type == "application/x-ndjson")
            let answers = nd.text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
            #expect(answers.map { $0["line"] } == [2, 3, 4, 5, 7])
            #expect(answers[0]["disclosure"]?["released"]?["name"] == "Zelda Quixote-Marsh")
            #expect(answers[3]["disclosure"]?["released"]?["name"] == "Line\nBreak")
            #expect(answers[2]["problem"]?["type"] == "urn:discreet:problem:invalid-field")
        }
    }

    /// Columns that do not fit are refused at once, before any row is decided, naming them.
    @Test(arguments: [
        (
            "provider=recouvra&purpose=debt-collection&record_type=patient", "subject,name,favourite_colour\np-1,A,red\n",
            ["favourite_colour"]
        ),
        ("provider=recouvra&record_type=patient", "subject,name\np-1,A\n", ["purpose"]),
        ("provider=recouvra&purpose=debt-collection", "subject,name\np-1,A\n", []),
        ("provider=recouvra&purpose=debt-collection&record_type=invoice", "subject,name\np-1,A\n", []),
        ("provider=recouvra&purpose=debt-collection&record_type=patient&subject=p-1", "subject,name\np-1,A\n", ["subject"]),
        ("provider=recouvra&purpose=debt-collection&record_type=patient", "subject,name,name\np-1,A,B\n", ["name"]),
        (
            "provider=recouvra&purpose=debt-collection&record_type=patient", "subject,treatments[].code\np-1,A\n",
            ["treatments[].code"]
        ),
        ("provider=recouvra&purpose=debt-collection&record_type=patient", "", []),
    ])
    func columnsThatDoNotFitAreRefusedBeforeAnyRow(_ query: String, _ body: String, _ named: [String]) async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await Self.post(client, h, query, body)
            #expect(r.status == .unprocessableContent)
            let problem = try JSONParser.parse(Array(r.text.utf8))
            #expect(problem["type"] == "urn:discreet:problem:csv-columns")
            #expect(problem["columns"] == .array(named.map(JSONValue.string)))
            #expect(!r.text.contains("p-1") && !r.text.contains("red"))
            #expect(try await h.store.entryCount() == 0)
        }
    }

    @Test func oneSubjectForEveryRowAndAnUnknownReportFormat() async throws {
        let h = try await Harness()
        try await h.test { client in
            let r = try await Self.post(
                client, h, "provider=facturo&purpose=billing&record_type=patient&subject=p-1",
                "name,diagnosis\nZelda,F33.2\nZelda,F32.1")
            #expect(r.status == .ok)
            #expect(r.text == "name,diagnosis\r\nZelda,F33.2\r\nZelda,F32.1\r\n")
            let bad = try await Self.post(client, h, "record_type=patient&report=xml", "name\nA\n")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("invalid-query"))
        }
    }
}
