import DiscreetJSON
import Foundation
import Hummingbird

/// Cursor pagination for every list: `limit` (1 to 1,000, default 100) and an opaque `cursor`
/// from the previous page's `next`; `next` is null on the last page. The order is stable (each
/// list says by what), and a cursor names the last item seen, not a position, so items added
/// while a client walks the list are neither skipped before the cursor nor shown twice.
struct PageRequest {
    static let defaultLimit = 100
    static let maxLimit = 1_000

    var limit: Int
    /// The sort key of the last item of the previous page, decoded from the cursor.
    var after: String?

    init(_ request: Request) throws {
        limit = Self.defaultLimit
        if let l = request.uri.queryParameters["limit"] {
            guard let n = Int(String(l)), (1...Self.maxLimit).contains(n) else {
                throw Problem.invalidQuery("limit", "a whole number from 1 to \(Self.maxLimit)")
            }
            limit = n
        }
        if let c = request.uri.queryParameters["cursor"] {
            guard let key = Self.decode(String(c)) else {
                throw Problem.invalidQuery("cursor", "the 'next' of a previous page, unchanged")
            }
            after = key
        }
    }

    /// The cursor for a page ending with the item of sort key `key`: base64url of the key, with a
    /// version prefix so its form can change without old cursors being misread.
    static func encode(_ key: String) -> String { ByteText.base64url(Array(("c1:" + key).utf8)) }

    static func decode(_ cursor: String) -> String? {
        guard cursor.count <= 512, cursor.utf8.allSatisfy(APIKeys.isBase64URL),
            let data = Data(base64Encoded: Self.standard(cursor)),
            let text = String(validating: Array(data), as: UTF8.self),
            text.hasPrefix("c1:")
        else { return nil }
        return String(text.dropFirst(3))
    }

    static func standard(_ base64url: String) -> String {
        let s = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return s + String(repeating: "=", count: (4 - s.count % 4) % 4)
    }

    /// The page of `items` (sorted ascending by `key`) after the cursor, and the next cursor.
    func page<T>(_ items: [T], key: (T) -> String) -> (items: [T], next: String?) {
        let start = after.map { a in items.firstIndex { key($0) > a } ?? items.count } ?? 0
        let end = min(items.count, start + limit)
        let slice = Array(items[start..<end])
        return (slice, end < items.count ? slice.last.map { Self.encode(key($0)) } : nil)
    }
}
