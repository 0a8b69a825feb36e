import DiscreetLedger
import Testing

/// C2SP tlog-tiles paths, read only in their canonical form.
@Suite struct TilePathTests {
    static func read(_ path: String) -> TilePath? { TilePath(path.split(separator: "/", omittingEmptySubsequences: false)) }

    @Test func theSpecsExamplesReadAndWriteBack() {
        let cases: [(String, TilePath)] = [
            ("0/000", .hashes(level: 0, index: 0, width: nil)),
            ("0/x001/x234/067", .hashes(level: 0, index: 1_234_067, width: nil)),
            ("1/x001/234.p/5", .hashes(level: 1, index: 1234, width: 5)),
            ("63/999", .hashes(level: 63, index: 999, width: nil)),
            ("entries/x001/000", .entries(index: 1000, width: nil)),
            ("entries/042.p/255", .entries(index: 42, width: 255)),
        ]
        for (path, tile) in cases {
            #expect(Self.read(path) == tile, "\(path)")
            #expect(tile.path == path)
        }
    }

    @Test func everyOtherSpellingIsRefused() {
        for path in [
            "", "0", "0/", "entries", "0/0000", "0/00", "0/x000/001", "0/x001", "0/001/002", "0/x1/000", "0/abc", "00/000",
            "01/000", "64/000", "-1/000", "0/000.p", "0/000.p/0", "0/000.p/256", "0/000.p/05", "0/000.q/5", "0/000/.p/5",
            "0/x001/x002/x003/x004/x005/x006/007", "0/x999/x999/x999/x999/x999/999", "entries/000.p/", "0/+12",
            "0/ 12", "0/000.p/5/1",
        ] {
            #expect(Self.read(path) == nil, "\(path)")
        }
    }

    @Test func anyIndexAndWidthRoundTrips() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let index = UInt64.random(in: 0...((1 << 56) - 1), using: &g) >> UInt64.random(in: 0...56, using: &g)
            let width = Bool.random(using: &g) ? Int.random(in: 1...255, using: &g) : nil
            let tile: TilePath =
                Bool.random(using: &g)
                ? .hashes(level: Int.random(in: 0...63, using: &g), index: index, width: width)
                : .entries(index: index, width: width)
            #expect(Self.read(tile.path) == tile, "\(tile.path)")
        }
    }

    @Test func whatATreeHas() {
        // 600 leaves: level 0 has tiles 0 and 1 full and 88 of tile 2; level 1 has 2 nodes.
        #expect(TilePath.available(level: 0, index: 1, size: 600) == 256)
        #expect(TilePath.available(level: 0, index: 2, size: 600) == 88)
        #expect(TilePath.available(level: 0, index: 3, size: 600) == 0)
        #expect(TilePath.available(level: 1, index: 0, size: 600) == 2)
        #expect(TilePath.available(level: 2, index: 0, size: 600) == 0)
        #expect(TilePath.available(level: 63, index: (1 << 56) - 1, size: .max) == 0)
        #expect(TilePath.available(level: 0, index: (1 << 56) - 1, size: .max) == 255)
        #expect(TilePath.nodes(level: 1, index: 2, count: 2) == [NodeID(level: 8, index: 512), NodeID(level: 8, index: 513)])
    }
}
