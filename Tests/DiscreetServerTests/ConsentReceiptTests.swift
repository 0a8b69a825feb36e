import Crypto
import DiscreetJSON
import DiscreetServer
import Foundation
import HummingbirdTesting
import JWTKit
import Testing

/// Consent receipts verified with nothing but the key the service publishes.
@Suite struct ConsentReceiptTests {
    static let grant: JSONValue = [
        "provider": "facturo", "purposes": ["billing"], "categories": ["health.substance_use"],
        "granted_at": "2026-05-01T00:00:00Z", "expires_at": "2027-05-01T00:00:00Z", "method": "electronic-signature",
        "evidence": ["digest": "sha256:77aa", "reference": "esign-2026-0042"], "notice_version": "2026-01",
    ]

    /// A verifier built from `/.well-known/discreet-keys` alone.
    static func verifier(_ h: Harness, _ client: any TestClientProtocol) async throws -> JWTKeyCollection {
        let keys = try await client.call(.get, "/.well-known/discreet-keys", as: nil, h)
        let jwk = try #require(keys.body["keys"]?.arrayValue?.first { $0["use"] == "consent-receipt" }?["jwk"])
        let x = try #require(jwk["x"]?.stringValue)
        let kid = try #require(jwk["kid"]?.stringValue)
        let collection = JWTKeyCollection()
        await collection.add(eddsa: try EdDSA.PublicKey(x: x, curve: .ed25519), kid: JWKIdentifier(string: kid))
        return collection
    }

    @Test func grantAndWithdrawalReceiptsVerifyWithThePublishedKeyAlone() async throws {
        let h = try await Harness()
        try await h.test { client in
            let verifier = try await Self.verifier(h, client)
            let granted = try await client.call(.post, "/v1/subjects/p-7/consents", as: "consent-manager", h, json: Self.grant)
            #expect(granted.status == .created)
            let jws = try #require(granted.body["receipt"]?.stringValue)
            let receiptID = try #require(granted.body["receipt_id"]?.stringValue)
            let claims = try await verifier.verify(jws, as: ConsentReceiptClaims.self)
            #expect(claims.kind == "grant")
            #expect(claims.receiptID == receiptID)
            #expect(claims.subject == "p-7")
            #expect(claims.consentID == granted.body["id"]?.stringValue)
            #expect(claims.recipient == "facturo")
            #expect(claims.purposes == ["billing"])
            #expect(claims.categories == ["health.substance_use"])
            #expect(claims.granted == "2026-05-01T00:00:00Z")
            #expect(claims.expires == "2027-05-01T00:00:00Z")
            #expect(claims.method == "electronic-signature")
            #expect(claims.evidenceDigest == "sha256:77aa")
            #expect(claims.noticeVersion == "2026-01")
            #expect(claims.version == "KI-CR-v1.1.0")
            #expect(claims.withdraw == "POST /v1/subjects/p-7/consents/\(receiptID)/withdraw")
            // A changed byte, or another key, fails.
            let parts = jws.split(separator: ".")
            let forgedPayload = Data(#"{"sub":"p-8"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            await #expect(throws: JWTError.self) {
                try await verifier.verify("\(parts[0]).\(forgedPayload).\(parts[2])", as: ConsentReceiptClaims.self)
            }
            let stranger = await ConsentReceipts(privateKey: .init(), controller: "x")
            let strangerKeys = JWTKeyCollection()
            await strangerKeys.add(
                eddsa: EdDSA.PublicKey(backing: stranger.publicKey), kid: JWKIdentifier(string: stranger.keyID))
            await #expect(throws: JWTError.self) { try await strangerKeys.verify(jws, as: ConsentReceiptClaims.self) }

            // Withdrawn by the receipt's id, with a receipt of its own; again by the consent's id, nothing changes.
            h.advance(seconds: 60)
            let withdrawn = try await client.call(
                .post, "/v1/subjects/p-7/consents/\(receiptID)/withdraw", as: "consent-manager", h)
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.body["status"] == "withdrawn")
            let wjws = try #require(withdrawn.body["withdrawal_receipt"]?.stringValue)
            let wclaims = try await verifier.verify(wjws, as: ConsentReceiptClaims.self)
            #expect(wclaims.kind == "withdrawal")
            #expect(wclaims.withdrawn == "2026-06-01T09:01:00Z")
            #expect(wclaims.consentID == claims.consentID)
            let cid = try #require(granted.body["id"]?.stringValue)
            let again = try await client.call(.post, "/v1/subjects/p-7/consents/\(cid)/withdraw", as: "consent-manager", h)
            #expect(again.body["withdrawal_receipt_id"] == withdrawn.body["withdrawal_receipt_id"])
            #expect(again.body["withdrawn_at"] == "2026-06-01T09:01:00Z")
            // Another subject's receipt id finds nothing.
            #expect(
                try await client.call(.post, "/v1/subjects/p-8/consents/\(receiptID)/withdraw", as: "consent-manager", h).status
                    == .notFound)
        }
    }

    @Test func aDecisionBasedOnAConsentNamesItsReceipt() async throws {
        let h = try await Harness()
        try await h.test { client in
            let granted = try await client.call(.post, "/v1/subjects/p-7/consents", as: "consent-manager", h, json: Self.grant)
            let receiptID = try #require(granted.body["receipt_id"]?.stringValue)
            let r = try await client.call(
                .post, "/v1/disclosures", as: "discloser", h,
                json: Sample.disclosure(provider: "facturo", purpose: "billing", subject: "p-7"))
            let d = r.body["decisions"]?.arrayValue?.first { $0["field"] == "treatments[0].substance_program" }
            #expect(d?["basis"] == .string("consent:\(granted.body["id"]!.stringValue!)"))
            #expect(d?["consent_receipt"] == .string(receiptID))
            let entry = try await client.call(.get, "/v1/ledger/entries/0", as: "auditor", h)
            let recorded = entry.body["entry"]?["fields"]?.arrayValue?.first { $0["field"] == "treatments[0].substance_program" }
            #expect(recorded?["consent_receipt"] == .string(receiptID))
        }
    }
}
