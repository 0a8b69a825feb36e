import Testing

@testable import DiscreetServer

/// A ledger entry read back for a replay: a gateway body's fields decided by their record's own
/// path, deliveries and unreadable entries passed over.
@Suite struct RecordedDisclosureTests {
    static func entry(gateway: Bool, field: String) -> [UInt8] {
        Array(
            """
            {"fields":[{"basis":null,"category":"identity.name","field":"\(field)","outcome":"released","reason":"permitted",\
            "transform":null}],\(gateway ? #""gateway":{"route":"collect","route_digest":"d"},"# : "")"id":"dsc-1",\
            "provider":"recouvra","purpose":"debt-collection","record_type":"patient","subject":"p-1",\
            "time":"2026-06-01T09:00:00Z","v":1}
            """.utf8)
    }

    @Test func aGatewayBodysRecordIsDecidedByItsOwnPaths() throws {
        let r = try #require(RecordedDisclosure(entry: Self.entry(gateway: true, field: "[12].address.city")))
        #expect(r.fields == ["address.city"])
        #expect(r.decisions.map(\.outcome) == [.released])
        // A single record through a route keeps its paths; outside a gateway nothing is stripped.
        #expect(try #require(RecordedDisclosure(entry: Self.entry(gateway: true, field: "name"))).fields == ["name"])
        #expect(try #require(RecordedDisclosure(entry: Self.entry(gateway: false, field: "[1].x"))).fields == ["[1].x"])
    }

    @Test func onlyAPositionFollowedByAFieldIsStripped() {
        #expect(RecordedDisclosure.withoutBodyPosition("[0].name") == "name")
        #expect(RecordedDisclosure.withoutBodyPosition("[0]") == "[0]")
        #expect(RecordedDisclosure.withoutBodyPosition("[].name") == "[].name")
        #expect(RecordedDisclosure.withoutBodyPosition("[x].name") == "[x].name")
        #expect(RecordedDisclosure.withoutBodyPosition("treatments[0].code") == "treatments[0].code")
    }

    @Test func deliveriesAndUnreadableEntriesAreNoDisclosure() {
        #expect(RecordedDisclosure(entry: Array(#"{"kind":"delivery","v":1}"#.utf8)) == nil)
        #expect(RecordedDisclosure(entry: Array("not json".utf8)) == nil)
        #expect(RecordedDisclosure(entry: Self.entry(gateway: false, field: "name").dropLast(5).map { $0 }) == nil)
    }
}
