import DiscreetStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1

/// Which headers cross the gateway, each way. Allow-lists, not deny-lists: a header nobody
/// thought of stays behind. The caller's `Authorization` and cookies never travel upstream; the
/// upstream's credential and cookies never travel back.
enum GatewayHeaders {
    /// From the app (egress) or the provider (pull) to the upstream.
    static let toUpstream: [String] = [
        "accept", "accept-language", "idempotency-key", "if-match", "if-unmodified-since", "x-request-id", "traceparent",
        "tracestate",
    ]

    /// From the upstream back to the caller.
    static let fromUpstream: [String] = [
        "content-type", "content-encoding", "content-language", "location", "etag", "last-modified", "retry-after",
        "x-request-id", "link",
    ]

    static func forward(_ from: HTTPFields, into headers: inout NIOHTTP1.HTTPHeaders) {
        for name in toUpstream {
            guard let field = HTTPField.Name(name) else { continue }
            for value in from[values: field] { headers.add(name: name, value: value) }
        }
    }

    static func answer(_ from: NIOHTTP1.HTTPHeaders) -> HTTPFields {
        var out = HTTPFields()
        for name in fromUpstream {
            guard let field = HTTPField.Name(name) else { continue }
            for value in from[name] { out.append(HTTPField(name: field, value: value)) }
        }
        out[.cacheControl] = "no-store"
        return out
    }

    static let disclosureID = HTTPField.Name("Discreet-Disclosure-Id")!
    static let ledgerIndex = HTTPField.Name("Discreet-Ledger-Index")!
    static let leafHash = HTTPField.Name("Discreet-Leaf-Hash")!

    /// The receipts of a gateway request's disclosures, one per subject of the body, in the same
    /// order in each header (`Discreet-Ledger-Index: 41, 42, 43`): the app (or provider) can prove
    /// what it sent (or got) by asking the ledger for each index's inclusion proof. Ids, indexes
    /// and base64 hold no comma, so each header is a plain HTTP list.
    static func receipt(disclosureIDs ids: [String], receipts: [LedgerReceipt]) -> HTTPFields {
        [
            disclosureID: ids.joined(separator: ", "),
            ledgerIndex: receipts.map { String($0.index) }.joined(separator: ", "),
            leafHash: receipts.map { Data($0.leafHash).base64EncodedString() }.joined(separator: ", "),
        ]
    }
}
