import Foundation
import Testing

@testable import DiscreetServer

/// Record ids are UUIDv7: well formed, time-ordered, unique within a millisecond.
@Suite struct RecordIDTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000.123)

    @Test func isAVersionSevenUUIDAfterItsPrefix() throws {
        let id = RecordID.make("dsc-", at: t0)
        #expect(id.hasPrefix("dsc-"))
        let uuid = String(id.dropFirst(4))
        #expect(UUID(uuidString: uuid) != nil)
        #expect(uuid == uuid.lowercased())
        let chars = Array(uuid)
        #expect(chars[14] == "7")
        #expect("89ab".contains(chars[19]))
        // The first 48 bits are the Unix time in milliseconds.
        let ms = UInt64(uuid.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
        #expect(ms == 1_780_000_000_123)
    }

    @Test func sortsByTimeAndNeverRepeats() {
        // 20 ids in each of 50 consecutive milliseconds (at the middle of each, clear of rounding).
        let ids = (0..<1_000).map { i in
            RecordID.make("dsc-", at: Date(timeIntervalSince1970: (1_780_000_000_123 + Double(i / 20) + 0.5) / 1000))
        }
        #expect(Set(ids).count == ids.count)
        let byMillisecond = stride(from: 0, to: ids.count, by: 20).map { ids[$0] }
        #expect(byMillisecond == byMillisecond.sorted())
        #expect(RecordID.make("x-", at: Date(timeIntervalSince1970: 0)).hasPrefix("x-00000000-0000-7"))
    }
}
